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
   * @param receivedAtNanos when the sender's node read the frame ({@link System#nanoTime()}; only
   *     comparable on the same node, so only same-node forwards feed the latency histogram)
   */
  record Deliver(ConnRef target, ConnRef sender, String messageId, byte[] frame, long receivedAtNanos)
      implements EdgeMessage {}

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
