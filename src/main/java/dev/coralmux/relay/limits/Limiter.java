package dev.coralmux.relay.limits;

import dev.coralmux.relay.history.Keep;
import io.vertx.core.Future;

/**
 * Decides, per client message, the rate limit (per token and {@link RateClass}) and, for a message to be
 * forwarded, the daily and monthly byte quotas (per token), counting the bytes when allowed.
 */
public interface Limiter {

  /**
   * @param bytes the size of a message about to be forwarded, or 0 for a frame that only counts
   *     toward the rate limit (invalid, refused or undeliverable ones)
   */
  Future<Decision> check(String tokenHash, RateClass rate, Limits limits, long bytes);

  /**
   * The same check for a message to keep in the token's history: a message whose id is kept
   * already is a {@link Decision#duplicate} (rate-counted, not charged again); an allowed one is
   * kept and its decision carries its sequence number. Without a history, nothing is kept.
   */
  default Future<Decision> check(String tokenHash, RateClass rate, Limits limits, long bytes, Keep keep) {
    return check(tokenHash, rate, limits, bytes);
  }

  /**
   * Gives back bytes charged for a message that was then not delivered (its peer was slow or
   * gone): quotas count what is forwarded. Best effort, in the current periods.
   */
  void refund(String tokenHash, long bytes);

  /** The token's usage in the current periods. */
  Future<Usage> usage(String tokenHash);

  /** Forgets a revoked token's counters. */
  void forget(String tokenHash);
}
