package dev.coralmux.relay.cluster;

import dev.coralmux.relay.limits.FixedWindowLimiter;
import dev.coralmux.relay.limits.WindowLimiter;
import dev.coralmux.relay.metrics.RelayMetrics;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The cluster's per-IP limits: each check is one Redis script call (a fixed window, INCR + PEXPIRE),
 * so N wrong invite codes are N wherever they land. Each limiter also keeps this node's own counts;
 * when Redis does not answer, those decide (never "allow everything"), every such decision is
 * counted, the outage is logged once and its end once. After a failure the node does not wait on
 * Redis again for {@value #RETRY_AFTER_FAILURE_MS} ms.
 */
public final class RedisWindowLimiters implements WindowLimiter.Factory {
  private static final Logger LOG = Logger.getLogger(RedisWindowLimiters.class.getName());
  private static final RedisScripts.Script WINDOW = RedisScripts.Script.load("ip_window");
  private static final long RETRY_AFTER_FAILURE_MS = 2_000;
  private static final int MAX_KEY_CHARS = 100;
  private final RedisScripts redis;
  private final RelayMetrics metrics;
  /** 0 while Redis answers; else until when checks skip it. Shared by the node's limiters: one log line per outage. */
  private final AtomicLong downUntil = new AtomicLong();

  public RedisWindowLimiters(RedisScripts redis, RelayMetrics metrics) {
    this.redis = redis;
    this.metrics = metrics;
  }

  @Override
  public WindowLimiter create(String name, int limit, long windowMs) {
    return new Window(name, limit, windowMs);
  }

  private final class Window implements WindowLimiter {
    private final String name;
    private final int limit;
    private final long windowMs;
    private final FixedWindowLimiter local;

    Window(String name, int limit, long windowMs) {
      this.name = name;
      this.limit = limit;
      this.windowMs = windowMs;
      this.local = new FixedWindowLimiter(limit, windowMs);
    }

    @Override
    public Future<Long> hit(String key) {
      long localWait = local.tryAcquire(key, System.currentTimeMillis()); // always counted: the fallback's memory
      return shared(key, "hit", localWait);
    }

    @Override
    public Future<Long> blockedFor(String key) {
      return shared(key, "peek", local.blockedFor(key, System.currentTimeMillis()));
    }

    private Future<Long> shared(String key, String op, long localWait) {
      if (System.currentTimeMillis() < downUntil.get()) return decidedLocally(localWait);
      String ip = key.length() > MAX_KEY_CHARS ? key.substring(0, MAX_KEY_CHARS) : key;
      return redis.run(WINDOW, new String[] {RedisKeys.perIp(name, ip)}, limit, windowMs, op).map(r -> {
        if (downUntil.getAndSet(0) != 0) LOG.info("per-IP limits are shared through Redis again");
        return r.toLong();
      }).recover(e -> {
        metrics.redisFailure();
        if (downUntil.getAndSet(System.currentTimeMillis() + RETRY_AFTER_FAILURE_MS) == 0) {
          LOG.warning("Redis does not answer (" + e.getMessage() + "); per-IP limits are decided by this node's own "
              + "counts until it does");
        }
        return decidedLocally(localWait);
      });
    }

    private Future<Long> decidedLocally(long localWait) {
      metrics.ipLimitDecidedLocally();
      return Future.succeededFuture(localWait);
    }
  }
}
