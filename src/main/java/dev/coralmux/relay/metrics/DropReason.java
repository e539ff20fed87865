package dev.coralmux.relay.metrics;

/** Why a client message was not delivered. Every undelivered message is counted under exactly one. */
public enum DropReason {
  /** Not a valid envelope, a relay-reserved type, or the wrong direction for the sender's role. */
  INVALID_MESSAGE,
  /** Larger than the token's message size limit. */
  MESSAGE_TOO_LARGE,
  /** The sender's role exceeded its message rate. */
  RATE_LIMITED,
  DAILY_QUOTA_EXCEEDED,
  MONTHLY_QUOTA_EXCEEDED,
  /** The peer was not connected when the message arrived. */
  PEER_OFFLINE,
  /** The peer disconnected or was replaced while the message was on its way. */
  PEER_GONE,
  /** The peer's send queue was full (it reads more slowly than the sender writes). */
  PEER_SLOW,
  /** A frame sent before authentication completed, or after the connection was closed or replaced. */
  NOT_AUTHENTICATED,
  /** Binary frames are not part of the protocol. */
  BINARY_FRAME,
  /** Queued to the peer's socket, which closed before writing it (DERP's "gone_disconnected"). */
  GONE_DISCONNECTED,
  /** The sender's own connection closed while its message waited for the limit check. */
  SENDER_CLOSED,
  /** The limit check failed and {@code limits.on_limiter_error} is "refuse". */
  LIMITER_UNAVAILABLE,
  /** Sent by a connection its peer knows was replaced (fenced on the receiving side). */
  FENCED,
  /**
   * Sent to the peer's node, which never confirmed it: lost between nodes (a partition, a node that
   * merged back or died) or not confirmed in time. The sender is told it may not have arrived.
   */
  UNCONFIRMED,
  /** Too many of the sender's messages (or this node's) were still unconfirmed on their way to other nodes. */
  CROSS_NODE_BACKLOG,
  /** Kept in the history for its reader, then trimmed (count, bytes or age bound) before the reader got it. */
  HISTORY_TRIMMED
}
