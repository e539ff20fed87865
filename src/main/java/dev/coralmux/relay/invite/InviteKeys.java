package dev.coralmux.relay.invite;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How invites are stored: a code only as HMAC-SHA256(secret, code), and the token it unlocks only
 * sealed (AES-256-GCM) under a key HMAC-derived from the secret and the code. A code has about 30
 * bits, few enough to try them all; keyed with a server secret kept outside the store (a file in
 * the data directory, or configuration), someone who reads the store (Redis, a backup) can neither
 * find codes nor open tokens offline.
 */
public final class InviteKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;
  private final SecretKeySpec secret;

  public InviteKeys(byte[] secret) {
    if (secret.length < 32) throw new IllegalArgumentException("an invite secret needs at least 32 bytes");
    this.secret = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** The store key for a code: HMAC-SHA256(secret, code), hex. */
  public String hash(String code) {
    return HexFormat.of().formatHex(hmac(code));
  }

  /** The token encrypted under the code's key (random nonce), as base64. */
  public String seal(String code, String token) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key(code), new GCMParameterSpec(128, nonce));
      byte[] ct = c.doFinal(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
    }
  }

  /** The token, or null if the sealed value does not open with this code (and this secret). */
  public String open(String code, String sealed) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(code), new GCMParameterSpec(128, all, 0, NONCE));
      return new String(c.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A separate label, so the sealing key is never the lookup hash stored next to it. */
  private SecretKeySpec key(String code) {
    return new SecretKeySpec(hmac("coralmux-invite-key:" + code), "AES");
  }

  private byte[] hmac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
    }
  }
}
