package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Which key pair and which peer key survive reconnects and status changes, with and without reliable delivery. */
class KeyAgreementTest {
  private static final JsonObject HELLO = new JsonObject().put("text", "hello");

  @Test
  void v1HasAFreshKeyPairPerConnection() {
    KeyAgreement k = new KeyAgreement(true, false);
    k.newConnection(false);
    String first = k.ownKey();
    k.acceptPeerKey(E2eCrypto.KeyPair.generate().publicKeyBase64());
    assertTrue(k.canEncrypt());
    k.newConnection(false);
    assertNotEquals(first, k.ownKey());
    assertFalse(k.agreed(), "the peer's key went with the old connection");
  }

  @Test
  void reliableKeepsTheKeyPairAndThePeersKeyAcrossReconnects() throws Exception {
    KeyAgreement k = new KeyAgreement(true, true);
    k.newConnection(true);
    String own = k.ownKey();
    E2eCrypto.KeyPair peer = E2eCrypto.KeyPair.generate();
    E2eCrypto.Session peerSide = E2eCrypto.Session.derive(peer, own);
    assertTrue(k.acceptPeerKey(peer.publicKeyBase64()));
    JsonObject sealedBefore = k.encrypt(HELLO);

    k.peerAway(); // the connection closed
    k.newConnection(true); // and came back, resumed
    assertEquals(own, k.ownKey(), "one key pair for the client's life");
    assertTrue(k.canEncrypt(), "sealing to the peer's last key while it is away");
    assertEquals(HELLO.encode(), peerSide.decrypt(k.encrypt(HELLO)), "the peer still reads it");
    assertEquals(HELLO.encode(), peerSide.decrypt(sealedBefore));
    JsonObject fromPeerWhileAway = peerSide.encrypt(HELLO.encode());
    assertEquals(HELLO.encode(), k.decrypt(fromPeerWhileAway), "stored ciphertext is still readable");
  }

  @Test
  void reliableOnAnOldRelayKeepsTheKeyPairButForgetsThePeer() {
    KeyAgreement k = new KeyAgreement(true, true);
    k.newConnection(false);
    String own = k.ownKey();
    k.acceptPeerKey(E2eCrypto.KeyPair.generate().publicKeyBase64());
    k.newConnection(false);
    assertEquals(own, k.ownKey());
    assertFalse(k.agreed(), "v1 relay: the peer re-keys as in v1");
  }

  @Test
  void aPeerThatReappearsHoldsSendsUntilItsKeyComesAndANewKeyReplacesTheOld() throws Exception {
    KeyAgreement k = new KeyAgreement(true, true);
    k.newConnection(true);
    E2eCrypto.KeyPair peer = E2eCrypto.KeyPair.generate();
    assertTrue(k.acceptPeerKey(peer.publicKeyBase64()));
    E2eCrypto.Session oldSide = E2eCrypto.Session.derive(peer, k.ownKey());

    k.peerMayHaveChanged();
    assertFalse(k.canEncrypt(), "maybe a new process: wait for its key");
    assertTrue(k.agreed(), "what it sent before still opens");
    assertFalse(k.acceptPeerKey(peer.publicKeyBase64()), "the same key is not new (no answer, no loop)");
    assertTrue(k.canEncrypt(), "but it confirms the session");

    k.peerMayHaveChanged();
    E2eCrypto.KeyPair restarted = E2eCrypto.KeyPair.generate();
    assertTrue(k.acceptPeerKey(restarted.publicKeyBase64()));
    assertTrue(k.canEncrypt());
    E2eCrypto.Session newSide = E2eCrypto.Session.derive(restarted, k.ownKey());
    JsonObject sealed = k.encrypt(HELLO);
    assertEquals(HELLO.encode(), newSide.decrypt(sealed), "sealed to the new key");
    assertThrows(E2eCrypto.DecryptException.class, () -> oldSide.decrypt(sealed));
  }

  @Test
  void aMissingKeyIsUnusable() {
    KeyAgreement k = new KeyAgreement(true, true);
    k.newConnection(true);
    assertThrows(IllegalArgumentException.class, () -> k.acceptPeerKey(null));
  }

  @Test
  void offHasNoKeys() {
    KeyAgreement k = new KeyAgreement(false, true);
    k.newConnection(true);
    assertEquals(null, k.ownKey());
    assertFalse(k.acceptPeerKey(E2eCrypto.KeyPair.generate().publicKeyBase64()));
  }
}
