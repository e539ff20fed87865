package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.E2eCrypto.DecryptException;
import dev.coralmux.relay.client.E2eCrypto.KeyPair;
import dev.coralmux.relay.client.E2eCrypto.Session;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks interoperability with the Python connector through its published test vectors. */
class E2eCryptoTest {
  private static JsonObject vectors;
  private static KeyPair phone;
  private static KeyPair agent;

  @BeforeAll
  static void loadVectors() throws IOException {
    try (InputStream in = E2eCryptoTest.class.getResourceAsStream("/e2e-test-vectors.json")) {
      vectors = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    phone = KeyPair.fromPrivate(bytes("phone_private_key_b64"));
    agent = KeyPair.fromPrivate(bytes("agent_private_key_b64"));
  }

  private static byte[] bytes(String field) {
    return Base64.getDecoder().decode(vectors.getString(field));
  }

  private static Session phoneSession() {
    return Session.derive(phone, vectors.getString("agent_public_key_b64"));
  }

  private static Session agentSession() {
    return Session.derive(agent, vectors.getString("phone_public_key_b64"));
  }

  private static JsonObject vectorPayload() {
    return vectors.getJsonObject("encrypted_payload").copy();
  }

  @Test
  void publicKeysDeriveFromTheFixedPrivateKeys() {
    assertEquals(vectors.getString("phone_public_key_b64"), phone.publicKeyBase64());
    assertEquals(vectors.getString("agent_public_key_b64"), agent.publicKeyBase64());
    assertArrayEquals(bytes("phone_public_key_b64"), phone.publicKey());
  }

  @Test
  void sharedSecretMatchesFromBothSides() {
    byte[] expected = bytes("x25519_shared_secret_b64");
    assertArrayEquals(expected, E2eCrypto.sharedSecret(phone, bytes("agent_public_key_b64")));
    assertArrayEquals(expected, E2eCrypto.sharedSecret(agent, bytes("phone_public_key_b64")));
  }

  @Test
  void aesKeyMatchesFromBothSides() {
    byte[] expected = bytes("aes_256_gcm_key_b64");
    assertArrayEquals(expected, phoneSession().key());
    assertArrayEquals(expected, agentSession().key());
    assertArrayEquals(expected, new Session(agent, bytes("phone_public_key_b64")).key());
  }

  @Test
  void encryptWithTheVectorNonceReproducesThePayloadExactly() {
    JsonObject expected = vectors.getJsonObject("encrypted_payload");
    for (Session s : new Session[] {phoneSession(), agentSession()}) {
      JsonObject got = s.encrypt(vectors.getString("plaintext_utf8"), bytes("nonce_b64"));
      assertEquals(Boolean.TRUE, got.getValue("enc"));
      assertEquals(expected.getString("ciphertext"), got.getString("ciphertext"));
      assertEquals(expected.getString("nonce"), got.getString("nonce"));
      assertEquals(expected, got, "no fields beyond enc, ciphertext, nonce");
    }
  }

  @Test
  void decryptsTheVectorPayloadFromBothSides() throws DecryptException {
    String expected = vectors.getString("plaintext_utf8");
    assertEquals(expected, phoneSession().decrypt(vectorPayload()));
    assertEquals(expected, agentSession().decrypt(vectorPayload()));
  }

  @Test
  void freshEncryptionUsesANewNonceAndRoundTrips() throws DecryptException {
    String text = "{\"text\":\"héllo 👋\"}";
    JsonObject a = phoneSession().encrypt(text);
    JsonObject b = phoneSession().encrypt(text);
    assertEquals(E2eCrypto.NONCE_SIZE, Base64.getDecoder().decode(a.getString("nonce")).length);
    assertNotEquals(a.getString("nonce"), b.getString("nonce"));
    assertNotEquals(a.getString("ciphertext"), b.getString("ciphertext"));
    assertEquals(text, agentSession().decrypt(a));
    assertEquals(text, agentSession().decrypt(b));
    // A round trip through the wire form, as a relay would carry it.
    assertEquals(text, agentSession().decrypt(new JsonObject(a.encode())));
  }

  @Test
  void tamperedCiphertextFails() {
    JsonObject payload = vectorPayload();
    byte[] sealed = Base64.getDecoder().decode(payload.getString("ciphertext"));
    sealed[5] ^= 0x01;
    payload.put("ciphertext", Base64.getEncoder().encodeToString(sealed));
    DecryptException e = assertThrows(DecryptException.class, () -> agentSession().decrypt(payload));
    assertTrue(e.getMessage().contains("authentication"), e.getMessage());
  }

  @Test
  void wrongKeyFails() {
    Session stranger = Session.derive(KeyPair.generate(), vectors.getString("agent_public_key_b64"));
    DecryptException e = assertThrows(DecryptException.class, () -> stranger.decrypt(vectorPayload()));
    assertTrue(e.getMessage().contains("authentication"), e.getMessage());
  }

  @Test
  void malformedPayloadsSayWhatIsWrong() {
    Session s = agentSession();
    assertTrue(problem(s, vectorPayload().put("nonce", "not base64!")).contains("nonce is not valid base64"));
    assertTrue(problem(s, vectorPayload().put("nonce", "AAAA")).contains("nonce must be 12 bytes"));
    assertTrue(problem(s, vectorPayload().put("ciphertext", "AAAA")).contains("authentication"));
    JsonObject noCiphertext = vectorPayload();
    noCiphertext.remove("ciphertext");
    assertTrue(problem(s, noCiphertext).contains("field: ciphertext"));
    assertTrue(problem(s, vectorPayload().put("nonce", 12)).contains("field: nonce"));
    assertTrue(problem(s, vectorPayload().put("enc", false)).contains("not marked"));
  }

  private static String problem(Session s, JsonObject payload) {
    return assertThrows(DecryptException.class, () -> s.decrypt(payload)).getMessage();
  }

  @Test
  void isEncryptedNeedsTheBooleanTrue() {
    assertTrue(E2eCrypto.isEncrypted(vectorPayload()));
    assertTrue(E2eCrypto.isEncrypted(new JsonObject().put("enc", true)));
    assertFalse(E2eCrypto.isEncrypted(new JsonObject().put("enc", false)));
    assertFalse(E2eCrypto.isEncrypted(new JsonObject().put("enc", "true")));
    assertFalse(E2eCrypto.isEncrypted(new JsonObject().put("text", "plain")));
    assertFalse(E2eCrypto.isEncrypted(null));
  }

  @Test
  void rejectsBadKeys() {
    // u = 0 is a low-order point: the shared secret would be all zeros.
    assertThrows(IllegalArgumentException.class, () -> E2eCrypto.sharedSecret(agent, new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> new Session(agent, new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> Session.derive(agent, "%%%"));
    assertThrows(IllegalArgumentException.class, () -> new KeyPair(agent.privateKey(), phone.publicKey()));
  }
}
