package dev.coralmux.relay.metrics;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Process-wide counters, cheap to bump from any event loop. */
public final class RelayMetrics {
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

  public RelayMetrics() {
    for (DropReason r : DropReason.values()) undelivered.put(r, new LongAdder());
  }

  public void undelivered(DropReason reason) {
    undelivered.get(reason).increment();
  }

  public long undeliveredCount(DropReason reason) {
    return undelivered.get(reason).sum();
  }

  public void authResult(String result) {
    authResults.computeIfAbsent(result, r -> new LongAdder()).increment();
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

  public void delivered(long bytes) {
    forwardedMessages.increment();
    forwardedBytes.add(bytes);
  }

  /** A relay-made message (an error reply) could not be queued because the client does not read. */
  public void relayMessageNotSent() {
    relayErrorsNotSent.increment();
  }

  public void slowConsumerClosed() {
    slowConsumersClosed.increment();
  }

  /** A Redis call failed or timed out and the node fell back to its local view. */
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
        .put("forwarded", new JsonObject().put("messages", forwardedMessages.sum()).put("bytes", forwardedBytes.sum()))
        .put("undelivered", drops)
        .put("auth", auth)
        .put("relay_errors_not_sent", relayErrorsNotSent.sum())
        .put("slow_consumers_closed", slowConsumersClosed.sum())
        .put("redis_failures", redisFailures.sum());
  }
}
