package dev.coralmux.relay.routing;

import dev.coralmux.relay.protocol.ErrorCode;

/**
 * What edge verticles send each other over the event bus (locally or across the cluster). Every
 * message names the connection it is for, with its epoch, so a superseded connection ignores it.
 */
public sealed interface EdgeMessage {

  ConnRef target();

  /**
   * A client frame for the target connection, forwarded byte for byte.
   *
   * @param sender the sending connection (null for a message read back from the history after a restart)
   * @param receivedAtNanos when the sender's node read the frame ({@link System#nanoTime()}; only
   *     comparable on the same node, so only same-node forwards feed the latency histogram); 0 if unknown
   * @param seq its place in the token's history for this direction, or 0 when it was not kept (v1)
   * @param wantsAck the sender asked for acks: tell it when the message is written to the peer
   */
  record Deliver(ConnRef target, ConnRef sender, String messageId, byte[] frame, long receivedAtNanos, long seq,
                 boolean wantsAck) implements EdgeMessage {

    /** A message that was not kept in a history (v1 forwarding). */
    public Deliver(ConnRef target, ConnRef sender, String messageId, byte[] frame, long receivedAtNanos) {
      this(target, sender, messageId, frame, receivedAtNanos, 0, false);
    }

    public boolean kept() {
      return seq > 0;
    }
  }

  /** Tell a sender with acks what became of its message: kept for an offline peer, or written to the peer. */
  record Ack(ConnRef target, String messageId, boolean delivered) implements EdgeMessage {}

  /**
   * From a sender connection to a reader connection it just learned of: "I had messages kept up to
   * {@code lastSeq}". Copies sent to the reader's older connection may be lost; the reader fetches
   * what it lacks from the history.
   */
  record Sync(ConnRef target, ConnRef sender, long lastSeq) implements EdgeMessage {}

  /**
   * A forwarded message could not be delivered: tell its sender why, and give back the quota it
   * was charged ({@code refundBytes}; a quota counts only what is forwarded).
   */
  record Bounce(ConnRef target, String messageId, ErrorCode code, String reason, long retryAfterMs, long refundBytes)
      implements EdgeMessage {

    /** A delivery refused with this code and reason. */
    public static Bounce of(Deliver d, ErrorCode code, String reason, long retryAfterMs) {
      return new Bounce(d.sender(), d.messageId(), code, reason, retryAfterMs, d.frame().length);
    }

    /** The one way a sender hears that its peer went away before the message reached it. */
    public static Bounce peerGone(Deliver d) {
      return of(d, ErrorCode.PEER_OFFLINE, "your peer disconnected before the message arrived", -1);
    }
  }

  /** The target's peer connected, or reconnected and took over from its older connection. */
  record PeerOnline(ConnRef target, ConnRef peer) implements EdgeMessage {}

  /** The target's peer disconnected. */
  record PeerOffline(ConnRef target, ConnRef peer) implements EdgeMessage {}

  /** Close the target connection with this WebSocket close code and reason; replied to once fenced. */
  record Close(ConnRef target, short code, String reason) implements EdgeMessage {}
}
