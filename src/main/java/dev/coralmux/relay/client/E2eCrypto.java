package dev.coralmux.relay.client;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * End-to-end payload encryption, wire-compatible with the Python connector: X25519 key agreement,
 * HKDF-SHA256 to a 32-byte key, AES-256-GCM with a random 12-byte nonce and the 16-byte tag appended
 * to the ciphertext. An encrypted payload is {@code {"enc": true, "ciphertext": b64, "nonce": b64}}
 * (standard base64, no associated data). Every constant here is fixed by the Python side and by
 * {@code e2e-test-vectors.json}; changing one breaks interoperability.
 */
public final class E2eCrypto {
  public static final int KEY_SIZE = 32;
  public static final int NONCE_SIZE = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] HKDF_SALT = "openclaw-relay-e2e-v1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HKDF_INFO = "chat-encryption".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private E2eCrypto() {}

  /** A payload that failed to decrypt. The message says why, for logs; never retry with the same input. */
  public static final class DecryptException extends Exception {
    public DecryptException(String reason) {
      this(reason, null);
    }

    public DecryptException(String reason, Throwable cause) {
      super(reason, cause, false, false); // expected on bad peer input: no stack trace
    }
  }

  /**
   * An X25519 key pair as raw 32-byte keys. Arrays are copied in and out so a caller cannot alter
   * (or be altered by) a pair that sessions rely on.
   */
  public record KeyPair(byte[] privateKey, byte[] publicKey) {
    public KeyPair {
      privateKey = checkLength(privateKey, "private key");
      publicKey = checkLength(publicKey, "public key");
      // Agreement uses only the private key, so a mismatched public key would go out to the peer and
      // yield different keys on each side with nothing pointing at the cause.
      if (!Arrays.equals(publicKey, new X25519PrivateKeyParameters(privateKey).generatePublicKey().getEncoded())) {
        throw new IllegalArgumentException("public key does not belong to the private key");
      }
    }

    public static KeyPair generate() {
      X25519PrivateKeyParameters priv = new X25519PrivateKeyParameters(RANDOM);
      return new KeyPair(priv.getEncoded(), priv.generatePublicKey().getEncoded());
    }

    /** Rebuilds a pair from a stored raw private key (e.g. the test vectors). */
    public static KeyPair fromPrivate(byte[] raw32) {
      byte[] priv = checkLength(raw32, "private key");
      return new KeyPair(priv, new X25519PrivateKeyParameters(priv).generatePublicKey().getEncoded());
    }

    @Override
    public byte[] privateKey() {
      return privateKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    /** The form the peer expects on the wire. */
    public String publicKeyBase64() {
      return Base64.getEncoder().encodeToString(publicKey);
    }

    @Override
    public String toString() {
      return "KeyPair[publicKey=" + publicKeyBase64() + "]"; // never print the private key
    }
  }

  /**
   * Raw X25519 shared secret. Throws IllegalArgumentException if the peer key is a low-order point:
   * the secret would be all zeros, which an attacker could force and so must never become a key.
   */
  public static byte[] sharedSecret(KeyPair mine, byte[] peerPublicKey) {
    X25519PublicKeyParameters peer = new X25519PublicKeyParameters(checkLength(peerPublicKey, "peer public key"));
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(new X25519PrivateKeyParameters(mine.privateKey));
    byte[] secret = new byte[agreement.getAgreementSize()];
    try {
      agreement.calculateAgreement(peer, secret, 0);
    } catch (IllegalStateException e) { // Bouncy Castle's signal for an all-zero result
      throw new IllegalArgumentException("peer public key is a low-order point (all-zero shared secret)", e);
    }
    return secret;
  }

  /** True if the payload is marked {@code "enc": true} (the JSON boolean, not a string). */
  public static boolean isEncrypted(JsonObject payload) {
    return payload != null && Boolean.TRUE.equals(payload.getValue("enc"));
  }

  /**
   * The AES key shared with one peer. Both directions use the same key, as the Python connector does;
   * random nonces keep that safe. Immutable and safe to share between threads.
   */
  public static final class Session {
    private final byte[] key;

    public Session(KeyPair mine, byte[] peerPublicKey) {
      byte[] secret = sharedSecret(mine, peerPublicKey);
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(SHA256Digest.newInstance());
      hkdf.init(new HKDFParameters(secret, HKDF_SALT, HKDF_INFO));
      key = new byte[KEY_SIZE];
      hkdf.generateBytes(key, 0, KEY_SIZE);
      Arrays.fill(secret, (byte) 0);
    }

    /** Session with a peer whose public key arrived as base64 text. */
    public static Session derive(KeyPair mine, String peerPublicKeyBase64) {
      byte[] peer;
      try {
        peer = Base64.getDecoder().decode(peerPublicKeyBase64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("peer public key is not valid base64", e);
      }
      return new Session(mine, peer);
    }

    /** The derived AES-256 key (a copy), for tests. */
    public byte[] key() {
      return key.clone();
    }

    /** Encrypts the JSON text under a fresh random nonce. */
    public JsonObject encrypt(String plaintextJson) {
      byte[] nonce = new byte[NONCE_SIZE];
      RANDOM.nextBytes(nonce);
      return encrypt(plaintextJson, nonce);
    }

    /**
     * Encrypts under a caller-chosen nonce. Package-private because reusing a nonce under one key
     * breaks GCM completely; only the test vectors need a fixed one.
     */
    JsonObject encrypt(String plaintextJson, byte[] nonce) {
      if (nonce.length != NONCE_SIZE) {
        throw new IllegalArgumentException("nonce must be " + NONCE_SIZE + " bytes, got " + nonce.length);
      }
      byte[] plain = plaintextJson.getBytes(StandardCharsets.UTF_8);
      GCMModeCipher gcm = cipher(true, nonce);
      byte[] out = new byte[gcm.getOutputSize(plain.length)];
      int n = gcm.processBytes(plain, 0, plain.length, out, 0);
      try {
        gcm.doFinal(out, n);
      } catch (InvalidCipherTextException e) {
        throw new IllegalStateException("GCM encryption cannot fail an authentication check", e);
      }
      Base64.Encoder b64 = Base64.getEncoder();
      return new JsonObject()
          .put("enc", true)
          .put("ciphertext", b64.encodeToString(out))
          .put("nonce", b64.encodeToString(nonce));
    }

    /** Returns the JSON text inside an encrypted payload, or says why it cannot be trusted. */
    public String decrypt(JsonObject payload) throws DecryptException {
      if (!isEncrypted(payload)) {
        throw new DecryptException("payload is not marked \"enc\": true");
      }
      byte[] nonce = base64Field(payload, "nonce");
      byte[] sealed = base64Field(payload, "ciphertext");
      if (nonce.length != NONCE_SIZE) {
        throw new DecryptException("nonce must be " + NONCE_SIZE + " bytes, got " + nonce.length);
      }
      GCMModeCipher gcm = cipher(false, nonce);
      byte[] plain = new byte[gcm.getOutputSize(sealed.length)];
      try {
        int n = gcm.processBytes(sealed, 0, sealed.length, plain, 0);
        gcm.doFinal(plain, n);
      } catch (InvalidCipherTextException e) {
        throw new DecryptException("ciphertext failed authentication (wrong key, tampered or truncated)", e);
      }
      return new String(plain, StandardCharsets.UTF_8);
    }

    private GCMModeCipher cipher(boolean forEncryption, byte[] nonce) {
      GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
      gcm.init(forEncryption, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce));
      return gcm;
    }

    private static byte[] base64Field(JsonObject payload, String field) throws DecryptException {
      if (!(payload.getValue(field) instanceof String text)) {
        throw new DecryptException("missing or non-string field: " + field);
      }
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new DecryptException(field + " is not valid base64", e);
      }
    }
  }

  private static byte[] checkLength(byte[] key, String what) {
    if (key == null || key.length != KEY_SIZE) {
      throw new IllegalArgumentException(what + " must be " + KEY_SIZE + " bytes");
    }
    return key.clone();
  }
}
