package dev.coralmux.relay.config;

/**
 * Messages a connection sends to a peer on another node are confirmed by that node, so that one
 * lost between nodes (a partition, a node merging back, a node that died) is reported to its
 * sender instead of vanishing. These bound how long a sender waits and how much may be on its way.
 *
 * @param confirmTimeoutMs a message the peer's node has not confirmed in this time is reported to
 *     its sender as possibly lost
 * @param maxPerConnection unconfirmed messages one connection may have on their way; one more is
 *     refused with RATE_LIMITED
 * @param maxBytes unconfirmed bytes one node may have on their way to other nodes (shared out
 *     among its event loops); past it messages are refused with RATE_LIMITED, never queued
 */
public record CrossNodeDelivery(long confirmTimeoutMs, int maxPerConnection, long maxBytes) {
  public static final CrossNodeDelivery DEFAULTS = new CrossNodeDelivery(5_000, 1_024, 64L << 20);
}
