package dev.coralmux.relay.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delays with full jitter, so a crowd of clients does not reconnect in step. */
final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private int attempt;

  Backoff(Duration initial, Duration max) {
    this.initialMs = Math.max(1, initial.toMillis());
    this.maxMs = Math.max(initialMs, max.toMillis());
  }

  long nextDelayMs() {
    long ceiling = Math.min(maxMs, initialMs << Math.min(attempt, 20));
    attempt++;
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  void reset() {
    attempt = 0;
  }
}
