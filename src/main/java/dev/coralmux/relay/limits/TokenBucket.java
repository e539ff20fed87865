package dev.coralmux.relay.limits;

/**
 * A token bucket holding up to {@code burst} messages, refilled continuously at {@code perMinute}/60 s:
 * bursts up to the burst, never more than the rate over time. Not thread safe; callers synchronise.
 */
final class TokenBucket {
  private double tokens;
  private long updatedNanos;

  TokenBucket(int burst, long nowNanos) {
    this.tokens = burst;
    this.updatedNanos = nowNanos;
  }

  /** Takes one token, returning -1 on success or the milliseconds until one is available. */
  long tryTake(int perMinute, int burst, long nowNanos) {
    if (perMinute <= 0) return 60_000;
    double perNano = perMinute / 60e9;
    tokens = Math.min(burst, tokens + (nowNanos - updatedNanos) * perNano);
    updatedNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return -1;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1_000_000));
  }
}
