package dev.coralmux.relay.history;

/**
 * Where a new reader connection starts in its history.
 *
 * @param after the reader has everything up to this sequence number; it gets what follows
 * @param head the newest sequence number kept so far (nothing to replay when {@code head <= after})
 * @param count how many kept messages follow {@code after}
 * @param complete false when some messages after the reader's last one are no longer kept
 */
public record ReplayStart(long after, long head, int count, boolean complete) {
  public static final ReplayStart EMPTY = new ReplayStart(0, 0, 0, true);
}
