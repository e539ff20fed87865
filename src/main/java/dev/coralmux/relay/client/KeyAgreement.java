package dev.coralmux.relay.client;

import io.vertx.core.json.JsonObject;

/**
 * The end-to-end key state: our key pair, the peer's last key, and the session derived from both.
 * Confined to the client's context.
 *
 * <p>With reliable delivery the key pair lives as long as the client, and the peer's key outlives
 * connections: a message the relay stored for a peer that was away is sealed with the session both
 * sides still hold when it is finally read. While the peer is offline, sends are sealed to its last
 * key (it keeps its key pair for its process life too). When the peer (re)appears it may be a new
 * process with a new key, so sending waits for its {@code key_exchange} ({@link #canEncrypt()}
 * false) while what it sent before still decrypts. Without reliable delivery (v1), each connection
 * has a fresh key pair and the peer's key is forgotten whenever either side comes or goes.
 */
final class KeyAgreement {
  private final boolean enabled;
  private final boolean keepKeys;
  private E2eCrypto.KeyPair keys;
  private E2eCrypto.Session session;
  private String lastPeerKey;
  private boolean awaitingPeerKey;

  /** @param keepKeys one key pair for the life of the client (reliable delivery), else one per connection */
  KeyAgreement(boolean enabled, boolean keepKeys) {
    this.enabled = enabled;
    this.keepKeys = keepKeys;
  }

  /** Whether E2E is on: then nothing from the peer but {@code key_exchange} is accepted in plaintext. */
  boolean enabled() {
    return enabled;
  }

  /**
   * A new connection: a new key pair and no peer key, unless the key pair is kept; then the peer's
   * key is kept too when the relay resumes (stored messages were sealed with it), else forgotten (v1).
   */
  void newConnection(boolean resuming) {
    if (!enabled) return;
    if (keepKeys && keys != null) {
      if (!resuming) forgetPeer();
      return;
    }
    keys = E2eCrypto.KeyPair.generate();
    forgetPeer();
  }

  /** v1: the peer left or reconnected, so its old key is no longer valid. */
  void forgetPeer() {
    session = null;
    lastPeerKey = null;
    awaitingPeerKey = false;
  }

  /** The peer (re)appeared and may have a new key: hold new sends until its key comes; keep decrypting. */
  void peerMayHaveChanged() {
    awaitingPeerKey = session != null;
  }

  /** The peer is offline (or we are): seal to its last key. */
  void peerAway() {
    awaitingPeerKey = false;
  }

  /** Our public key to offer, or null when E2E is off or no connection has begun. */
  String ownKey() {
    return keys == null ? null : keys.publicKeyBase64();
  }

  /**
   * Takes the peer's key; the same key again only confirms the session still holds.
   *
   * @return true when this is a new peer key and a session now exists
   * @throws IllegalArgumentException for a key that cannot be used (missing, wrong size, low order)
   */
  boolean acceptPeerKey(String pubkey) {
    if (keys == null) return false;
    if (pubkey == null) throw new IllegalArgumentException("no pubkey");
    if (pubkey.equals(lastPeerKey)) {
      awaitingPeerKey = false;
      return false;
    }
    session = E2eCrypto.Session.derive(keys, pubkey);
    lastPeerKey = pubkey;
    awaitingPeerKey = false;
    return true;
  }

  /** Whether a session exists (what the peer sealed can be opened). */
  boolean agreed() {
    return session != null;
  }

  /** Whether sends may be sealed now: a session, and no newer peer key expected. */
  boolean canEncrypt() {
    return session != null && !awaitingPeerKey;
  }

  JsonObject encrypt(JsonObject payload) {
    return session.encrypt(payload.encode());
  }

  /** @throws E2eCrypto.DecryptException when the payload was not made with this session */
  String decrypt(JsonObject payload) throws E2eCrypto.DecryptException {
    return session.decrypt(payload);
  }
}
