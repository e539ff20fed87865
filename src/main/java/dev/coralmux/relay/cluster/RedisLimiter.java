package dev.coralmux.relay.cluster;

import dev.coralmux.relay.history.Keep;
import dev.coralmux.relay.limits.Decision;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.limits.LocalLimiter;
import dev.coralmux.relay.limits.Usage;
import dev.coralmux.relay.limits.UtcPeriods;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.limits.RateClass;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Cluster-wide limits: one atomic Redis script call per client message decides the rate limit
 * and both quotas, so no node can let a token past them and the overshoot across nodes is zero.
 *
 * <p>When Redis does not answer, established pairs keep relaying: this node decides with local
 * buckets and counters, and the bytes it lets through are added to the Redis counters once Redis
 * is back ({@link #reconcile()}), so nothing escapes accounting. {@link LimitsMode} says which
 * applies and switches back once Redis answers a probe.
 *
 * <p>Checks go on the event loop's own connection, pipelined and bounded ({@link OrderedRedis}):
 * past {@code redis.max_in_flight} unanswered calls a message is refused with {@code RATE_LIMITED}
 * and a {@code retry_after_ms} (counted in {@code redis_overloaded}), never queued behind them.
 */
public final class RedisLimiter implements Limiter {
  private static final Logger LOG = Logger.getLogger(RedisLimiter.class.getName());
  private static final RedisScripts.Script LIMIT = RedisScripts.Script.load("limit");
  private static final RedisScripts.Script REFUND = RedisScripts.Script.load("refund");

  private final RedisScripts redis;
  private final RelayMetrics metrics;
  private final LocalLimiter fallback = new LocalLimiter(System::currentTimeMillis);
  /** Redis decides, or this node alone until Redis answers a probe. */
  private final LimitsMode mode = new LimitsMode();
  /** Counters written back to Redis per reconcile round, so a long outage's backlog never floods it at once. */
  private static final int RECONCILE_BATCH = 256;
  /** What reconcile rounds have written since the outage, logged once the backlog is empty. */
  private final long[] reconciled = {0, 0}; // bytes, counters
  /** Bytes let through while Redis was unreachable, per token and period key, not yet added to Redis. */
  private final Map<String, Long> unreconciled = new ConcurrentHashMap<>();

  public RedisLimiter(RedisScripts redis, RelayMetrics metrics) {
    this.redis = redis;
    this.metrics = metrics;
    metrics.limitsMode(() -> mode.local() ? "local" : "redis");
  }

  @Override
  public Future<Decision> check(String hash, RateClass rate, Limits limits, long bytes) {
    long now = System.currentTimeMillis();
    String dayKey = RedisKeys.day(hash, UtcPeriods.dayKey(now));
    String monthKey = RedisKeys.month(hash, UtcPeriods.monthKey(now));
    if (mode.local()) return Future.succeededFuture(decideLocally(hash, rate, limits, bytes, dayKey, monthKey));
    String[] keys = {RedisKeys.rate(hash, rate), dayKey, monthKey};
    // On the event loop's own connection: pipelined, bounded (see OrderedRedis), in arrival order.
    return redis.runInOrder(LIMIT, keys, limits.perMinute(rate), limits.burst(rate), now, bytes, limits.dailyBytes(),
            limits.monthlyBytes(),
            UtcPeriods.millisToDayEnd(now), UtcPeriods.millisToMonthEnd(now))
        .map(RedisLimiter::decode)
        .recover(e -> notAnswered(e, hash, rate, limits, bytes, dayKey, monthKey, false));
  }

  /**
   * The limit check and keeping the message in the history, in one script call. While Redis does
   * not answer the message is decided locally and not kept (it is forwarded as in v1).
   */
  @Override
  public Future<Decision> check(String hash, RateClass rate, Limits limits, long bytes, Keep keep) {
    if (keep == null) return check(hash, rate, limits, bytes);
    long now = System.currentTimeMillis();
    String dayKey = RedisKeys.day(hash, UtcPeriods.dayKey(now));
    String monthKey = RedisKeys.month(hash, UtcPeriods.monthKey(now));
    if (mode.local()) return Future.succeededFuture(decideLocally(hash, rate, limits, bytes, dayKey, monthKey));
    String r = keep.reader().wire();
    String[] keys = {RedisKeys.rate(hash, rate), dayKey, monthKey, RedisKeys.historyMeta(hash, r),
        RedisKeys.historyStream(hash, r), RedisKeys.historyIds(hash, r), RedisKeys.presence(hash)};
    // In order: the script numbers the kept messages, and this connection's come in arrival order.
    return redis.runInOrder(LIMIT, keys, limits.perMinute(rate), limits.burst(rate), now, bytes, limits.dailyBytes(),
            limits.monthlyBytes(), UtcPeriods.millisToDayEnd(now), UtcPeriods.millisToMonthEnd(now),
            keep.messageId(), keep.frame(), RedisHistory.senderField(keep.sender(), keep.wantsAck()),
            keep.wantsAck() ? 1 : 0, keep.bounds().maxMessages(), keep.bounds().maxBytes(), keep.bounds().ttlMs(),
            keep.reader().peer().wire(), keep.sender().epoch(), keep.floor())
        .map(resp -> {
          Decision d = decode(resp);
          if (!d.allowed()) return d;
          long lost = resp.get(5).toLong();
          if (lost > 0) metrics.historyTrimmedUndelivered(lost);
          long seq = resp.get(2).toLong();
          return resp.get(3).toInteger() == 1 ? Decision.duplicate(seq, resp.get(4).toInteger() == 1) : Decision.kept(seq);
        })
        .recover(e -> notAnswered(e, hash, rate, limits, bytes, dayKey, monthKey, true));
  }

  /**
   * A check Redis did not decide. Too many calls already unanswered on this event loop's
   * connection: the sender is told to retry (RATE_LIMITED), nothing waits. Failed or timed out:
   * this node decides alone until Redis answers a probe; a message the call was to keep is then
   * {@link Decision#maybeKept}: Redis may still run the call.
   */
  private Future<Decision> notAnswered(Throwable e, String hash, RateClass rate, Limits limits, long bytes,
                                       String dayKey, String monthKey, boolean keep) {
    long retryAfter = RedisScripts.overloaded(e);
    if (retryAfter >= 0) {
      metrics.redisOverloaded();
      return Future.succeededFuture(Decision.refuse(ErrorCode.RATE_LIMITED, retryAfter));
    }
    metrics.redisFailure();
    mode.failed(e);
    Decision local = decideLocally(hash, rate, limits, bytes, dayKey, monthKey);
    return Future.succeededFuture(keep && local.allowed() ? Decision.maybeKept() : local);
  }

  private Decision decideLocally(String hash, RateClass rate, Limits limits, long bytes, String dayKey, String monthKey) {
    Decision d = fallback.decide(hash, rate, limits, bytes);
    if (d.allowed()) metrics.decidedLocally(bytes); // exported: the overshoot an outage allows is visible
    if (d.allowed() && bytes > 0) {
      unreconciled.merge(dayKey, bytes, Long::sum);
      unreconciled.merge(monthKey, bytes, Long::sum);
    }
    return d;
  }

  private static Decision decode(Response r) {
    long code = r.get(0).toLong();
    long retry = r.get(1).toLong();
    if (code == 0) return Decision.ALLOW;
    if (code == 1) return Decision.refuse(ErrorCode.RATE_LIMITED, retry);
    if (code == 2) return Decision.refuse(ErrorCode.DAILY_QUOTA_EXCEEDED, retry);
    if (code == 4) return Decision.FENCED;
    return Decision.refuse(ErrorCode.MONTHLY_QUOTA_EXCEEDED, retry);
  }

  @Override
  public void refund(String hash, long bytes) {
    long now = System.currentTimeMillis();
    String dayKey = RedisKeys.day(hash, UtcPeriods.dayKey(now));
    String monthKey = RedisKeys.month(hash, UtcPeriods.monthKey(now));
    if (mode.local()) { // given back with the outage's own accounting
      fallback.refund(hash, bytes);
      unreconciled.merge(dayKey, -bytes, Long::sum);
      unreconciled.merge(monthKey, -bytes, Long::sum);
      return;
    }
    redis.run(REFUND, new String[] {dayKey, monthKey}, bytes).onFailure(e -> {
      metrics.redisFailure();
      unreconciled.merge(dayKey, -bytes, Long::sum); // applied when Redis answers again
      unreconciled.merge(monthKey, -bytes, Long::sum);
    });
  }

  @Override
  public Future<Usage> usage(String hash) {
    long now = System.currentTimeMillis();
    Request mget = Request.cmd(Command.MGET).arg(RedisKeys.day(hash, UtcPeriods.dayKey(now)))
        .arg(RedisKeys.month(hash, UtcPeriods.monthKey(now)));
    return redis.send(mget).map(r -> new Usage(orZero(r.get(0)), orZero(r.get(1))));
  }

  private static long orZero(Response r) {
    return r == null ? 0 : r.toLong();
  }

  @Override
  public void forget(String hash) {
    // Counters expire with their period; nothing to do.
  }

  /**
   * Called about once a second. While this node decides alone: probes Redis (PING) and switches
   * back when it answers. Otherwise: adds bytes counted locally during an outage to the shared
   * counters, at most {@value #RECONCILE_BATCH} counters per round.
   */
  public Future<Void> reconcile() {
    if (mode.local()) {
      return redis.send(Request.cmd(Command.PING)).<Void>mapEmpty().onSuccess(v -> mode.answered());
    }
    if (unreconciled.isEmpty()) return Future.succeededFuture();
    List<Future<Void>> writes = new ArrayList<>();
    for (String key : List.copyOf(unreconciled.keySet()).subList(0, Math.min(RECONCILE_BATCH, unreconciled.size()))) {
      Long bytes = unreconciled.remove(key);
      if (bytes == null) continue;
      long now = System.currentTimeMillis();
      boolean month = key.contains("}:m:");
      long ttl = month ? UtcPeriods.millisToMonthEnd(now) : UtcPeriods.millisToDayEnd(now);
      writes.add(redis.send(Request.cmd(Command.INCRBY).arg(key).arg(bytes))
          .compose(x -> redis.send(Request.cmd(Command.PEXPIRE).arg(key).arg(ttl)))
          .<Void>map(x -> {
            synchronized (reconciled) {
              reconciled[0] += month ? 0 : bytes; // each byte is in a day and a month counter: count it once
              reconciled[1]++;
            }
            return null;
          })
          .onFailure(e -> unreconciled.merge(key, bytes, Long::sum))); // retried next round
    }
    return Future.join(writes).<Void>mapEmpty().onComplete(ar -> {
      if (!unreconciled.isEmpty()) return;
      synchronized (reconciled) {
        if (reconciled[1] == 0) return;
        LOG.info("usage counted locally during a Redis outage added to Redis: " + reconciled[0] + " bytes over "
            + reconciled[1] + " counters (a token may end above its quota by what one node allowed meanwhile)");
        reconciled[0] = 0;
        reconciled[1] = 0;
      }
    });
  }
}
