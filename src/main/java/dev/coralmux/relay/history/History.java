package dev.coralmux.relay.history;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;
import java.util.List;

/**
 * The messages kept per token and direction (named by the reader's role), in sequence order. Messages
 * are added with their limit check ({@code Limiter.check} with a {@link Keep}); this is the
 * reading side: where a reader starts, the pages it reads, and how far it has been delivered.
 *
 * <p>Sequence numbers grow by one per kept message; a history that expired entirely starts again
 * from the current time in microseconds, so numbers never go back and a reader still holding an
 * old number sees a gap, not a repeat. A number is also above its sender's {@link Keep#floor}: a
 * Redis counter that fell behind after a failover skips ahead (the numbers skipped hold nothing).
 */
public interface History {

  /**
   * Where a reader connecting now starts.
   *
   * @param resume the client asked for {@code resume}: start after {@code lastId} (null: from the
   *     oldest kept message). Otherwise start after the relay's own "delivered up to" cursor.
   */
  Future<ReplayStart> open(String tokenHash, Role reader, boolean resume, String lastId);

  /** Up to {@code max} kept messages after sequence number {@code after}, oldest first. */
  Future<List<Entry>> read(String tokenHash, Role reader, long after, int max);

  /** The reader's socket took everything up to {@code seq} (the cursor a v1 reader resumes from). */
  void delivered(String tokenHash, Role reader, long seq);

  /**
   * The reader's connection closed: its cursor is written now, not with the next batch, so a v1
   * client that reconnects at once does not get again what it had.
   */
  default void readerClosed(String tokenHash, Role reader) {}

  /** Forgets a revoked token's history. */
  void forget(String tokenHash);

  /** The first sequence number of a history that starts at {@code nowMs}. */
  static long firstSeq(long nowMs) {
    return nowMs * 1000;
  }
}
