package dev.coralmux.relay.history;

import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;

/**
 * A message to keep in its token's history for {@code reader}, decided together with its limit
 * check (in cluster mode one Redis call does both).
 *
 * @param sender the sending connection, told "delivered" when the reader gets it (if {@code wantsAck})
 * @param floor the highest sequence number the sending connection knows its messages were given
 *     (0: none): the message is numbered above it. In Redis the history's counter can fall behind
 *     that — a Sentinel failover that lost the old master's newest writes — and numbering must not
 *     restart below what readers already got (docs/cluster.md). The standalone log ignores it: its
 *     counter is the one that gave the sender its numbers, so it is never behind.
 */
public record Keep(Role reader, String messageId, byte[] frame, ConnRef sender, boolean wantsAck, HistoryBounds bounds,
                   long floor) {

  /** A message from a sender that has had nothing numbered yet. */
  public Keep(Role reader, String messageId, byte[] frame, ConnRef sender, boolean wantsAck, HistoryBounds bounds) {
    this(reader, messageId, frame, sender, wantsAck, bounds, 0);
  }
}
