package dev.coralmux.relay.limits;

/**
 * A token bucket holding up to {@code perMinute} messages, refilled continuously at
 * {@code perMinute}/60 s: bursts up to the minute's allowance, never more over time. Not thread
 * safe; callers synchronise.
 */
final class TokenBucket {
  private double tokens;
  private long updatedNanos;

  TokenBucket(int capacity, long nowNanos) {
    this.tokens = capacity;
    this.updatedNanos = nowNanos;
  }

  /** Takes one token, returning -1 on success or the milliseconds until one is available. */
  long tryTake(int perMinute, long nowNanos) {
    if (perMinute <= 0) return 60_000;
    double perNano = perMinute / 60e9;
    tokens = Math.min(perMinute, tokens + (nowNanos - updatedNanos) * perNano);
    updatedNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return -1;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1_000_000));
  }
}
