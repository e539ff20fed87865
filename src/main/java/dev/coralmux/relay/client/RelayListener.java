package dev.coralmux.relay.client;

import io.vertx.core.json.JsonObject;

/** What a {@link RelayClient} reports. Every method has a default, so implement only what you need. */
public interface RelayListener {

  /** Authenticated; {@code authOk} is the relay's payload (paired, quota figures). */
  default void onConnected(JsonObject authOk) {}

  default void onPeerStatus(boolean online) {}

  /** An end-to-end key was agreed with the current peer: sends are encrypted from now on. */
  default void onEncrypted() {}

  default void onMessage(RelayMessage message) {}

  default void onRelayError(RelayError error) {}

  /** The connection ended; {@code retrying} tells whether the client will reconnect. */
  default void onDisconnected(int code, String reason, boolean retrying) {}

  /** The relay refused the credentials for good (auth.fail UNAUTHORIZED): the client stopped. */
  default void onAuthFailed(String code, String message) {}
}
