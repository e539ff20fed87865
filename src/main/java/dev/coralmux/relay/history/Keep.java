package dev.coralmux.relay.history;

import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;

/**
 * A message to keep in its token's history for {@code reader}, decided together with its limit
 * check (in cluster mode one Redis call does both).
 *
 * @param sender the sending connection, told "delivered" when the reader gets it (if {@code wantsAck})
 */
public record Keep(Role reader, String messageId, byte[] frame, ConnRef sender, boolean wantsAck, HistoryBounds bounds) {}
