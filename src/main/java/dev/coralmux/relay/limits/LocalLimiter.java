package dev.coralmux.relay.limits;

import dev.coralmux.relay.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Limits for a single node (standalone mode): one small counter object per token, shared by all
 * event loops and locked per token, so one lookup and one short lock per message. Byte counters
 * are persisted by the store ({@link #snapshot()}/{@link #restore}); rate buckets are not.
 */
public final class LocalLimiter implements Limiter {
  private final ConcurrentHashMap<String, TokenCounters> counters = new ConcurrentHashMap<>();
  private final LongSupplier clockMillis;
  private final AtomicBoolean dirty = new AtomicBoolean();

  public LocalLimiter(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  @Override
  public Future<Decision> check(String tokenHash, RateClass rate, Limits limits, long bytes) {
    return Future.succeededFuture(decide(tokenHash, rate, limits, bytes));
  }

  /** The synchronous decision behind {@link #check}. */
  public Decision decide(String tokenHash, RateClass rate, Limits limits, long bytes) {
    TokenCounters c = counters.computeIfAbsent(tokenHash, h -> new TokenCounters());
    long now = clockMillis.getAsLong();
    synchronized (c) {
      long nanos = System.nanoTime();
      int burst = limits.burst(rate);
      long wait = c.bucket(rate, burst, nanos).tryTake(limits.perMinute(rate), burst, nanos);
      if (wait >= 0) return Decision.refuse(ErrorCode.RATE_LIMITED, wait);
      if (bytes <= 0) return Decision.ALLOW;
      c.roll(now);
      if (c.daily + bytes > limits.dailyBytes()) {
        return Decision.refuse(ErrorCode.DAILY_QUOTA_EXCEEDED, UtcPeriods.millisToDayEnd(now));
      }
      if (c.monthly + bytes > limits.monthlyBytes()) {
        return Decision.refuse(ErrorCode.MONTHLY_QUOTA_EXCEEDED, UtcPeriods.millisToMonthEnd(now));
      }
      c.daily += bytes;
      c.monthly += bytes;
    }
    dirty.set(true);
    return Decision.ALLOW;
  }

  @Override
  public void refund(String tokenHash, long bytes) {
    TokenCounters c = counters.get(tokenHash);
    if (c == null) return;
    synchronized (c) {
      c.roll(clockMillis.getAsLong());
      c.daily = Math.max(0, c.daily - bytes);
      c.monthly = Math.max(0, c.monthly - bytes);
    }
    dirty.set(true);
  }

  @Override
  public Future<Usage> usage(String tokenHash) {
    return Future.succeededFuture(currentUsage(tokenHash));
  }

  public Usage currentUsage(String tokenHash) {
    TokenCounters c = counters.get(tokenHash);
    if (c == null) return Usage.NONE;
    synchronized (c) {
      c.roll(clockMillis.getAsLong());
      return new Usage(c.daily, c.monthly);
    }
  }

  @Override
  public void forget(String tokenHash) {
    counters.remove(tokenHash);
    dirty.set(true);
  }

  /** True once since the last call if any counter changed: tells the store whether to write. */
  public boolean takeDirty() {
    return dirty.getAndSet(false);
  }

  /** Byte counters of every token, for persistence. */
  public JsonObject snapshot() {
    JsonObject out = new JsonObject();
    long now = clockMillis.getAsLong();
    counters.forEach((hash, c) -> {
      synchronized (c) {
        c.roll(now);
        if (c.daily > 0 || c.monthly > 0) {
          out.put(hash, new JsonObject().put("day", c.dayKey).put("daily", c.daily)
              .put("month", c.monthKey).put("monthly", c.monthly));
        }
      }
    });
    return out;
  }

  /** Loads counters written by {@link #snapshot()}; entries from past periods reset on first use. */
  public void restore(JsonObject snapshot) {
    snapshot.forEach(e -> {
      JsonObject o = (JsonObject) e.getValue();
      TokenCounters c = new TokenCounters();
      c.dayKey = o.getLong("day", -1L);
      c.daily = o.getLong("daily", 0L);
      c.monthKey = o.getLong("month", -1L);
      c.monthly = o.getLong("monthly", 0L);
      counters.put(e.getKey(), c);
    });
  }

  /** One token's rate buckets (per role) and byte counters (per UTC day and month). */
  private static final class TokenCounters {
    final TokenBucket[] buckets = new TokenBucket[RateClass.values().length];
    long dayKey = -1;
    long daily;
    long monthKey = -1;
    long monthly;

    TokenBucket bucket(RateClass rate, int burst, long nowNanos) {
      TokenBucket b = buckets[rate.ordinal()];
      if (b == null) b = buckets[rate.ordinal()] = new TokenBucket(burst, nowNanos);
      return b;
    }

    void roll(long nowMillis) {
      long day = UtcPeriods.dayKey(nowMillis);
      if (day != dayKey) {
        dayKey = day;
        daily = 0;
      }
      long month = UtcPeriods.monthKey(nowMillis);
      if (month != monthKey) {
        monthKey = month;
        monthly = 0;
      }
    }
  }
}
