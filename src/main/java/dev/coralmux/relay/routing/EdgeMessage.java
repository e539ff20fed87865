package dev.coralmux.relay.routing;

import dev.coralmux.relay.protocol.ErrorCode;

/**
 * What edge verticles send each other over the event bus (locally or across the cluster). Every
 * message names the connection it is for, with its epoch, so a superseded connection ignores it.
 */
public sealed interface EdgeMessage {

  ConnRef target();

  /** The number the target's node confirms this by ({@link Receipts}); 0: not numbered. */
  default long confirmSeq() {
    return 0;
  }

  /** The sending connection, for messages that have one. */
  default ConnRef sender() {
    return null;
  }

  /**
   * A client frame for the target connection, forwarded byte for byte.
   *
   * @param sender the sending connection (null for a message read back from the history after a restart)
   * @param receivedAtNanos when the sender's node read the frame ({@link System#nanoTime()}; only
   *     comparable on the same node, so only same-node forwards feed the latency histogram); 0 if unknown
   * @param seq its place in the token's history for this direction, or 0 when it was not kept (v1)
   * @param wantsAck the sender asked for acks: tell it when the message is written to the peer
   * @param confirmSeq its number among the sender's messages to this target that the target's node
   *     confirms ({@link Receipts}), 1, 2, 3...; 0 when no confirmation is wanted (same node)
   */
  record Deliver(ConnRef target, ConnRef sender, String messageId, byte[] frame, long receivedAtNanos, long seq,
                 boolean wantsAck, long confirmSeq) implements EdgeMessage {

    public Deliver(ConnRef target, ConnRef sender, String messageId, byte[] frame, long receivedAtNanos, long seq,
                   boolean wantsAck) {
      this(target, sender, messageId, frame, receivedAtNanos, seq, wantsAck, 0);
    }

    /** A message that was not kept in a history (v1 forwarding). */
    public Deliver(ConnRef target, ConnRef sender, String messageId, byte[] frame, long receivedAtNanos) {
      this(target, sender, messageId, frame, receivedAtNanos, 0, false);
    }

    public boolean kept() {
      return seq > 0;
    }

    /** Not numbered, but maybe kept anyway: the check that would have kept it timed out (Decision.maybeKept). */
    public boolean maybeKept() {
      return seq < 0;
    }
  }

  /** Tell a sender with acks what became of its message: kept for an offline peer, or written to the peer. */
  record Ack(ConnRef target, String messageId, boolean delivered) implements EdgeMessage {}

  /**
   * From a sender connection to a reader connection it just learned of: "I had messages kept up to
   * {@code lastSeq}". Copies sent to the reader's older connection may be lost; the reader fetches
   * what it lacks from the history.
   */
  record Sync(ConnRef target, ConnRef sender, long lastSeq, long confirmSeq) implements EdgeMessage {

    /** Numbered among the sender's messages to the target, as {@link Deliver#confirmSeq}. */
    public Sync withConfirmSeq(long n) {
      return new Sync(target, sender, lastSeq, n);
    }
  }

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

  /**
   * From an edge verticle to one on another node: which of the {@link Deliver}s its connections
   * sent (those with a {@code confirmSeq}) arrived, and which never did (the numbers skipped).
   * Batched per pair of verticles; the target is the sending verticle itself (connection id 0).
   *
   * @param entries {@value #ENTRY} longs each: sender connection id and epoch, receiver connection
   *     id and epoch, then either (upTo, 0): everything up to upTo arrived, or (to, from): from..to
   *     never arrived
   * @param from the address of the verticle holding the receiving connections
   */
  record Receipts(ConnRef target, String from, long[] entries) implements EdgeMessage {
    public static final int ENTRY = 6;

    public static ConnRef verticle(String address) {
      return new ConnRef(address, 0, 0);
    }
  }

  /** The target's peer connected, or reconnected and took over from its older connection. */
  record PeerOnline(ConnRef target, ConnRef peer) implements EdgeMessage {}

  /** The target's peer disconnected. */
  record PeerOffline(ConnRef target, ConnRef peer) implements EdgeMessage {}

  /** Close the target connection with this WebSocket close code and reason; replied to once fenced. */
  record Close(ConnRef target, short code, String reason) implements EdgeMessage {}
}
