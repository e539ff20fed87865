package dev.coralmux.relay.history;

/**
 * A read refused at once because the store already has its bound of calls unanswered (Redis far
 * behind): overload, not an outage. The reader reads again after {@code retryAfterMs}; what waits
 * for the read keeps waiting, so order holds.
 */
public final class HistoryBusy extends RuntimeException {
  private final long retryAfterMs;

  public HistoryBusy(long retryAfterMs) {
    super("the history store is busy; read again in " + retryAfterMs + " ms", null, false, false);
    this.retryAfterMs = retryAfterMs;
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }
}
