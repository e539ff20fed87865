package dev.coralmux.relay.metrics;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Process-wide counters, cheap to bump from any event loop (LongAdders), exposed as JSON in
 * {@code /health} and to Prometheus through Micrometer ({@link #scrape()}), plus two latency
 * timers (forwarding, Redis calls) and the JVM's own meters.
 */
public final class RelayMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer forwardLatency;
  private final Timer redisLatency;
  private final LongAdder forwardedCrossNode = new LongAdder();
  private final Map<DropReason, LongAdder> undelivered = new EnumMap<>(DropReason.class);
  private final Map<String, LongAdder> authResults = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder phones = new LongAdder();
  private final LongAdder agents = new LongAdder();
  private final LongAdder sockets = new LongAdder();
  private final LongAdder forwardedMessages = new LongAdder();
  private final LongAdder forwardedBytes = new LongAdder();
  private final LongAdder relayErrorsNotSent = new LongAdder();
  private final LongAdder slowConsumersClosed = new LongAdder();
  private final LongAdder redisFailures = new LongAdder();
  private final LongAdder redisOverloaded = new LongAdder();
  private final LongAdder redisInFlight = new LongAdder();
  /** "redis" or "local" (cluster mode: who decides limits now), "standalone" otherwise. */
  private volatile java.util.function.Supplier<String> limitsMode = () -> "standalone";
  private final LongAdder limiterErrors = new LongAdder();
  private final LongAdder pairedPhones = new LongAdder();
  private final LongAdder localMessages = new LongAdder();
  private final LongAdder localBytes = new LongAdder();
  private final LongAdder historyKept = new LongAdder();
  private final LongAdder storedOffline = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder duplicatesSuppressed = new LongAdder();
  private final LongAdder repeatsSkipped = new LongAdder();
  private final LongAdder renumbered = new LongAdder();
  private final LongAdder ipLimitsLocal = new LongAdder();
  private final LongAdder logLinesDropped = new LongAdder();

  public RelayMetrics() {
    for (DropReason r : DropReason.values()) {
      LongAdder n = new LongAdder();
      undelivered.put(r, n);
      FunctionCounter.builder("coralmux_messages_undelivered", n, LongAdder::sum)
          .description("Client messages not delivered, by reason").tag("reason", r.name().toLowerCase()).register(registry);
    }
    Gauge.builder("coralmux_connections", phones, LongAdder::sum).tag("role", "phone")
        .description("Authenticated connections on this node").register(registry);
    Gauge.builder("coralmux_connections", agents, LongAdder::sum).tag("role", "agent").register(registry);
    Gauge.builder("coralmux_sockets", sockets, LongAdder::sum).description("Open WebSockets on this node, authenticated or not")
        .register(registry);
    FunctionCounter.builder("coralmux_messages_forwarded", forwardedMessages, LongAdder::sum)
        .description("Messages written to their peer by this node").register(registry);
    FunctionCounter.builder("coralmux_messages_forwarded_cross_node", forwardedCrossNode, LongAdder::sum)
        .description("Of those, messages that came from another node").register(registry);
    FunctionCounter.builder("coralmux_bytes_forwarded", forwardedBytes, LongAdder::sum).baseUnit("bytes")
        .description("Bytes written to peers by this node").register(registry);
    FunctionCounter.builder("coralmux_relay_errors_not_sent", relayErrorsNotSent, LongAdder::sum)
        .description("Relay replies dropped because the client was not reading").register(registry);
    FunctionCounter.builder("coralmux_slow_consumers_closed", slowConsumersClosed, LongAdder::sum).register(registry);
    FunctionCounter.builder("coralmux_redis_failures", redisFailures, LongAdder::sum)
        .description("Redis calls that failed or timed out").register(registry);
    FunctionCounter.builder("coralmux_redis_overloaded", redisOverloaded, LongAdder::sum)
        .description("Limit checks refused with RATE_LIMITED because redis.max_in_flight calls were unanswered").register(registry);
    Gauge.builder("coralmux_redis_in_flight", redisInFlight, LongAdder::sum)
        .description("Limit checks sent to Redis and not answered yet").register(registry);
    Gauge.builder("coralmux_limits_local", this, m -> m.limitsMode.get().equals("local") ? 1 : 0)
        .description("1 while this cluster node decides limits alone because Redis did not answer").register(registry);
    FunctionCounter.builder("coralmux_limits_decided_locally_messages", localMessages, LongAdder::sum)
        .description("Messages allowed by this node's own limits while Redis did not answer").register(registry);
    FunctionCounter.builder("coralmux_limits_decided_locally_bytes", localBytes, LongAdder::sum).baseUnit("bytes")
        .description("Quota bytes allowed by this node's own limits while Redis did not answer").register(registry);
    FunctionCounter.builder("coralmux_ip_limits_decided_locally", ipLimitsLocal, LongAdder::sum)
        .description("Per-IP limit checks decided by this node's own counts while Redis did not answer").register(registry);
    FunctionCounter.builder("coralmux_admin_log_lines_dropped", logLinesDropped, LongAdder::sum)
        .description("Log lines not sent to the dashboard's log stream (buffer full)").register(registry);
    FunctionCounter.builder("coralmux_limiter_errors", limiterErrors, LongAdder::sum)
        .description("Limit checks that failed and were decided by limits.on_limiter_error").register(registry);
    FunctionCounter.builder("coralmux_invite_failures", inviteFailures, LongAdder::sum)
        .description("Failed invite code redemptions").register(registry);
    FunctionCounter.builder("coralmux_history_kept", historyKept, LongAdder::sum)
        .description("Messages kept in the history (reliable delivery)").register(registry);
    FunctionCounter.builder("coralmux_history_stored_offline", storedOffline, LongAdder::sum)
        .description("Of those, messages stored for a peer that was offline").register(registry);
    FunctionCounter.builder("coralmux_history_replayed", replayed, LongAdder::sum)
        .description("Kept messages written to a reader from the history (replay on auth, gap filling)").register(registry);
    FunctionCounter.builder("coralmux_history_duplicates_suppressed", duplicatesSuppressed, LongAdder::sum)
        .description("Messages resent with an id already kept: acknowledged, not forwarded again").register(registry);
    FunctionCounter.builder("coralmux_history_repeats_skipped", repeatsSkipped, LongAdder::sum)
        .description("Deliveries a reader already had (a replayed or re-routed copy), not written twice").register(registry);
    FunctionCounter.builder("coralmux_history_renumbered", renumbered, LongAdder::sum)
        .description("New messages numbered below what their reader had (the numbering restarted), written").register(registry);
    forwardLatency = Timer.builder("coralmux_forward_latency")
        .description("From a frame's arrival to its write to the peer (same-node forwards)")
        .publishPercentileHistogram().register(registry);
    redisLatency = Timer.builder("coralmux_redis_call_latency").publishPercentileHistogram().register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private final LongAdder inviteFailures = new LongAdder();
  private long lastMessages;
  private long lastBytes;
  private volatile double messagesPerSecond;
  private volatile double bytesPerSecond;

  /** Called once a second: turns the forwarded counters into rates for /api/stats and the dashboard. */
  public synchronized void sampleRates() {
    long m = forwardedMessages.sum();
    long b = forwardedBytes.sum();
    messagesPerSecond = m - lastMessages;
    bytesPerSecond = b - lastBytes;
    lastMessages = m;
    lastBytes = b;
  }

  public double messagesPerSecond() {
    return messagesPerSecond;
  }

  public double bytesPerSecond() {
    return bytesPerSecond;
  }

  /** A failed invite redemption (unknown, used or expired code): brute force shows up here. */
  public void inviteFailure() {
    inviteFailures.increment();
  }

  public long inviteFailures() {
    return inviteFailures.sum();
  }

  private volatile java.util.function.Supplier<Number> clusterMembers = () -> 1;

  /** Registers how to count cluster members (a gauge, and the figure in /api/stats). */
  public void clusterMembers(java.util.function.Supplier<Number> count) {
    clusterMembers = count;
    Gauge.builder("coralmux_cluster_members", count).description("Members of the cluster as this node sees them")
        .register(registry);
  }

  public int clusterMembers() {
    return clusterMembers.get().intValue();
  }

  public void forwardLatency(long nanos) {
    forwardLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void redisLatency(long nanos) {
    redisLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public void undelivered(DropReason reason) {
    undelivered.get(reason).increment();
  }

  public void undelivered(DropReason reason, long n) {
    undelivered.get(reason).add(n);
  }

  public void historyTrimmedUndelivered(long n) {
    undelivered(DropReason.HISTORY_TRIMMED, n);
  }

  public void historyKept(boolean peerOffline) {
    historyKept.increment();
    if (peerOffline) storedOffline.increment();
  }

  public void historyReplayed() {
    replayed.increment();
  }

  public void duplicateSuppressed() {
    duplicatesSuppressed.increment();
  }

  public void repeatSkipped() {
    repeatsSkipped.increment();
  }

  public void historyRenumbered() {
    renumbered.increment();
  }

  /** Messages and bytes kept on this node (standalone history), as gauges. */
  public void historySize(java.util.function.Supplier<long[]> size) {
    Gauge.builder("coralmux_history_messages", size, s -> s.get()[0]).description("Messages kept in this node's history")
        .register(registry);
    Gauge.builder("coralmux_history_bytes", size, s -> s.get()[1]).baseUnit("bytes").register(registry);
  }

  public long undeliveredCount(DropReason reason) {
    return undelivered.get(reason).sum();
  }

  public void authResult(String result) {
    authResults.computeIfAbsent(result, r -> {
      LongAdder n = new LongAdder();
      FunctionCounter.builder("coralmux_auth", n, LongAdder::sum).description("Authentication attempts by result")
          .tag("result", r).register(registry);
      return n;
    }).increment();
  }

  public void socketOpened() {
    sockets.increment();
  }

  public void socketClosed() {
    sockets.decrement();
  }

  public void authenticated(Role role, int delta) {
    (role == Role.PHONE ? phones : agents).add(delta);
  }

  public void delivered(long bytes, boolean crossNode) {
    forwardedMessages.increment();
    forwardedBytes.add(bytes);
    if (crossNode) forwardedCrossNode.increment();
  }

  /** A relay-made message (an error reply) could not be queued because the client does not read. */
  public void relayMessageNotSent() {
    relayErrorsNotSent.increment();
  }

  public void slowConsumerClosed() {
    slowConsumersClosed.increment();
  }

  /** A Redis call failed or timed out and the node fell back to its local view. */
  /** A message allowed on this node's own limits during a Redis outage (bytes 0 for one not forwarded). */
  public void decidedLocally(long bytes) {
    localMessages.increment();
    localBytes.add(bytes);
  }

  /** A phone connection on this node gained (+1) or lost (-1) a live peer. */
  public void pairedPhone(int delta) {
    pairedPhones.add(delta);
  }

  /** Phones on this node with a live peer: summed over nodes, the cluster's paired sessions. */
  public long pairedPhones() {
    return pairedPhones.sum();
  }

  /** A per-IP limit check decided by this node alone (Redis did not answer). */
  public void ipLimitDecidedLocally() {
    ipLimitsLocal.increment();
  }

  /** Log lines the dashboard's log stream could not take (its buffer was full). */
  public void logLinesDropped(long n) {
    logLinesDropped.add(n);
  }

  public void limiterError() {
    limiterErrors.increment();
  }

  public long limiterErrors() {
    return limiterErrors.sum();
  }

  /** A limit check refused because too many Redis calls were unanswered (the sender got RATE_LIMITED). */
  public void redisOverloaded() {
    redisOverloaded.increment();
  }

  /** Redis calls sent (+1) or answered (-1). */
  public void redisInFlight(int delta) {
    redisInFlight.add(delta);
  }

  /** Who decides limits now ("redis" or "local"), for /health and the coralmux_limits_local gauge. */
  public void limitsMode(java.util.function.Supplier<String> mode) {
    limitsMode = mode;
  }

  public void redisFailure() {
    redisFailures.increment();
  }

  public long connections(Role role) {
    return (role == Role.PHONE ? phones : agents).sum();
  }

  public long sockets() {
    return sockets.sum();
  }

  public JsonObject toJson() {
    JsonObject drops = new JsonObject();
    undelivered.forEach((r, n) -> drops.put(r.name().toLowerCase(), n.sum()));
    JsonObject auth = new JsonObject();
    authResults.forEach((r, n) -> auth.put(r, n.sum()));
    return new JsonObject()
        .put("forwarded", new JsonObject().put("messages", forwardedMessages.sum()).put("bytes", forwardedBytes.sum())
            .put("cross_node_messages", forwardedCrossNode.sum()))
        .put("undelivered", drops)
        .put("auth", auth)
        .put("relay_errors_not_sent", relayErrorsNotSent.sum())
        .put("slow_consumers_closed", slowConsumersClosed.sum())
        .put("redis_failures", redisFailures.sum())
        .put("redis_overloaded", redisOverloaded.sum())
        .put("redis_in_flight", redisInFlight.sum())
        .put("limits_mode", limitsMode.get())
        .put("limiter_errors", limiterErrors.sum())
        .put("decided_locally", new JsonObject().put("messages", localMessages.sum()).put("bytes", localBytes.sum()))
        .put("ip_limits_decided_locally", ipLimitsLocal.sum())
        .put("admin_log_lines_dropped", logLinesDropped.sum())
        .put("history", new JsonObject().put("kept", historyKept.sum()).put("stored_offline", storedOffline.sum())
            .put("replayed", replayed.sum()).put("duplicates_suppressed", duplicatesSuppressed.sum())
            .put("repeats_skipped", repeatsSkipped.sum()).put("renumbered", renumbered.sum()));
  }
}
