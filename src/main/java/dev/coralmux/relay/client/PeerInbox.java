package dev.coralmux.relay.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Opens what the peer sent (anything but {@code key_exchange} and relay-made messages): decrypts it,
 * or refuses it and says why. With E2E on, only encrypted messages reach the listener; a plaintext
 * one may have been injected by whoever sits between the peers (the relay included), so it is never
 * delivered as if the peer had sent it. Confined to the client's context.
 */
final class PeerInbox {
  private final KeyAgreement e2e;
  private final RelayListener listener;

  PeerInbox(KeyAgreement e2e, RelayListener listener) {
    this.e2e = e2e;
    this.listener = listener;
  }

  void accept(String type, JsonObject envelope, JsonObject payload) {
    String id = envelope.getString("id");
    boolean encrypted = E2eCrypto.isEncrypted(payload);
    if (!encrypted) {
      if (e2e.enabled()) {
        // Only key_exchange may travel in plaintext; its content is not repeated here (it is not trusted).
        refuse("E2E_PLAINTEXT", "the peer sent an unencrypted " + type + " while end-to-end encryption is on"
            + (e2e.agreed() ? " and a key is agreed" : "") + "; it was dropped", id);
        return;
      }
      listener.onMessage(new RelayMessage(type, id, envelope.getLong("ts", 0L), payload, false));
      return;
    }
    if (!e2e.agreed()) {
      refuse("E2E_NO_KEY", "an encrypted " + type + " arrived before any key", id);
      return;
    }
    JsonObject plain;
    try {
      plain = new JsonObject(e2e.decrypt(payload));
    } catch (E2eCrypto.DecryptException | DecodeException e) {
      refuse("E2E_DECRYPT_FAILED", "cannot decrypt " + type + ": " + e.getMessage(), id);
      return;
    }
    listener.onMessage(new RelayMessage(type, id, envelope.getLong("ts", 0L), plain, true));
  }

  private void refuse(String code, String message, String refId) {
    listener.onRelayError(new RelayError(code, message, refId, -1));
  }
}
