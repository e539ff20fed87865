package dev.coralmux.relay.limits;

import dev.coralmux.relay.history.Keep;
import dev.coralmux.relay.history.LocalHistory;
import io.vertx.core.Future;

/**
 * Standalone limits with the history: a message to keep is checked for a duplicate id first (a
 * resend costs a rate slot, never quota), then limited, then kept — under the log's one lock,
 * synchronously on the caller's thread, like the {@link LocalLimiter} it wraps.
 */
public final class KeepingLimiter implements Limiter {
  private final LocalLimiter limits;
  private final LocalHistory history;

  public KeepingLimiter(LocalLimiter limits, LocalHistory history) {
    this.limits = limits;
    this.history = history;
  }

  @Override
  public Future<Decision> check(String tokenHash, RateClass rate, Limits l, long bytes) {
    return limits.check(tokenHash, rate, l, bytes);
  }

  @Override
  public Future<Decision> check(String tokenHash, RateClass rate, Limits l, long bytes, Keep keep) {
    if (keep == null) return check(tokenHash, rate, l, bytes);
    Decision[] refused = {null};
    LocalHistory.Kept kept = history.keep(tokenHash, keep, bytes, charge -> {
      Decision d = limits.decide(tokenHash, rate, l, charge);
      if (!d.allowed()) refused[0] = d;
      return d.allowed();
    });
    if (kept == null) return Future.succeededFuture(refused[0]);
    return Future.succeededFuture(kept.duplicate() ? Decision.duplicate(kept.seq(), kept.delivered()) : Decision.kept(kept.seq()));
  }

  @Override
  public void refund(String tokenHash, long bytes) {
    limits.refund(tokenHash, bytes);
  }

  @Override
  public Future<Usage> usage(String tokenHash) {
    return limits.usage(tokenHash);
  }

  @Override
  public void forget(String tokenHash) {
    limits.forget(tokenHash);
    history.forget(tokenHash);
  }
}
