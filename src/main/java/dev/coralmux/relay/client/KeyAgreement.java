package dev.coralmux.relay.client;

import io.vertx.core.json.JsonObject;

/**
 * One connection's end-to-end key state: our key pair (fresh per connection), the peer's last
 * key, and the session derived from both. Confined to the client's context.
 */
final class KeyAgreement {
  private final boolean enabled;
  private E2eCrypto.KeyPair keys;
  private E2eCrypto.Session session;
  private String lastPeerKey;

  KeyAgreement(boolean enabled) {
    this.enabled = enabled;
  }

  /** Whether E2E is on: then nothing from the peer but {@code key_exchange} is accepted in plaintext. */
  boolean enabled() {
    return enabled;
  }

  /** A new connection: a new key pair, no session yet. */
  void renew() {
    keys = enabled ? E2eCrypto.KeyPair.generate() : null;
    forgetPeer();
  }

  /** The peer left or reconnected: its old key is no longer valid. */
  void forgetPeer() {
    session = null;
    lastPeerKey = null;
  }

  /** Our public key to offer, or null when E2E is off or no connection has begun. */
  String ownKey() {
    return keys == null ? null : keys.publicKeyBase64();
  }

  /**
   * @return true when this is a new peer key and a session now exists
   * @throws IllegalArgumentException for a key that cannot be used
   */
  boolean acceptPeerKey(String pubkey) {
    if (keys == null || pubkey == null || pubkey.equals(lastPeerKey)) return false;
    session = E2eCrypto.Session.derive(keys, pubkey);
    lastPeerKey = pubkey;
    return true;
  }

  boolean agreed() {
    return session != null;
  }

  JsonObject encrypt(JsonObject payload) {
    return session.encrypt(payload.encode());
  }

  /** @throws E2eCrypto.DecryptException when the payload was not made with this session */
  String decrypt(JsonObject payload) throws E2eCrypto.DecryptException {
    return session.decrypt(payload);
  }
}
