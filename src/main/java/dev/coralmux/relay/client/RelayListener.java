package dev.coralmux.relay.client;

import io.vertx.core.json.JsonObject;

/** What a {@link RelayClient} reports. Every method has a default, so implement only what you need. */
public interface RelayListener {

  /** Authenticated; {@code authOk} is the relay's payload (paired, quota figures). */
  default void onConnected(JsonObject authOk) {}

  /**
   * Reliable delivery: the relay resumed this connection (called right after {@link #onConnected});
   * {@code replayed} messages the peer sent while this side was away follow, in order, through
   * {@link #onMessage}. {@code complete == false}: some of them are no longer held (trimmed, or the
   * relay lost its history), so resync at the app level (e.g. {@code chat.history}).
   */
  default void onResumed(int replayed, boolean complete) {}

  /**
   * Reliable delivery: the relay acknowledged a message this side sent: {@code "stored"} (kept for
   * an offline peer; {@code "delivered"} follows) or {@code "delivered"} (written to the peer). The
   * send's future already completes on the first ack; this also tells of the later one.
   */
  default void onAck(String messageId, String state) {}

  default void onPeerStatus(boolean online) {}

  /**
   * An end-to-end key was agreed with the peer: sends are encrypted from now on. Told for each new
   * peer key; with reliable delivery a peer that comes back with the same key is not told again.
   */
  default void onEncrypted() {}

  default void onMessage(RelayMessage message) {}

  default void onRelayError(RelayError error) {}

  /**
   * The connection ended; {@code retrying} tells whether the client will reconnect. Code -1: it was
   * never made ({@code reason} says why); a relay certificate that is not trusted (or not the
   * pinned one, {@link ClientOptions#trustedCertificateSha256()}) ends the client for good.
   */
  default void onDisconnected(int code, String reason, boolean retrying) {}

  /** The relay refused the credentials for good (auth.fail UNAUTHORIZED): the client stopped. */
  default void onAuthFailed(String code, String message) {}
}
