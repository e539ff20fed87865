package dev.coralmux.relay.history;

import dev.coralmux.relay.routing.ConnRef;

/**
 * One kept message: its place in the direction's sequence, the sender's exact bytes, and who to
 * tell when it is delivered (the sender connection may be long gone; then nobody is told).
 */
public record Entry(long seq, String messageId, byte[] frame, ConnRef sender, boolean wantsAck, long keptAtMs) {}
