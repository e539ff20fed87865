package dev.coralmux.relay.limits;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} events per key per window (e.g. registrations per client IP per hour), in
 * this node's memory: the standalone {@link WindowLimiter}, and the fallback of the cluster-wide one.
 * Bounded: stale windows are dropped as new keys arrive, and the number of keys is capped.
 */
public final class FixedWindowLimiter implements WindowLimiter {
  private static final int MAX_KEYS = 100_000;
  private final int limit;
  private final long windowMs;
  private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();

  public FixedWindowLimiter(int limit, long windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  @Override
  public Future<Long> hit(String key) {
    return Future.succeededFuture(tryAcquire(key, System.currentTimeMillis()));
  }

  @Override
  public Future<Long> blockedFor(String key) {
    return Future.succeededFuture(blockedFor(key, System.currentTimeMillis()));
  }

  /** Records one event; returns -1 if allowed, else the milliseconds until the key may try again. */
  public long tryAcquire(String key, long nowMs) {
    if (windows.size() >= MAX_KEYS) evictStale(nowMs);
    long[] w = windows.computeIfAbsent(key, k -> new long[] {nowMs, 0});
    synchronized (w) {
      if (nowMs - w[0] >= windowMs) {
        w[0] = nowMs;
        w[1] = 0;
      }
      if (w[1] >= limit) return Math.max(1, w[0] + windowMs - nowMs);
      w[1]++;
      return -1;
    }
  }

  /** Without recording anything: -1 if {@code key} may act now, else the milliseconds until it may. */
  public long blockedFor(String key, long nowMs) {
    long[] w = windows.get(key);
    if (w == null) return -1;
    synchronized (w) {
      if (nowMs - w[0] >= windowMs || w[1] < limit) return -1;
      return Math.max(1, w[0] + windowMs - nowMs);
    }
  }

  private void evictStale(long nowMs) {
    for (Iterator<Map.Entry<String, long[]>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      long[] w = it.next().getValue();
      synchronized (w) {
        if (nowMs - w[0] >= windowMs) it.remove();
      }
    }
    if (windows.size() >= MAX_KEYS) windows.clear(); // a flood of distinct keys: start over rather than grow
  }
}
