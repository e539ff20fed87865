package dev.coralmux.relay.invite;

import dev.coralmux.relay.store.Tokens;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Six-character invite codes from an alphabet without look-alikes (no 0/O, 1/I/L), and the sealing
 * that keeps the token they unlock out of storage: a code is stored only as its hash, and the token
 * only encrypted under a key derived from the code, so the store alone reveals neither.
 */
public final class InviteCodes {
  public static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  public static final int LENGTH = 6;
  private static final SecureRandom RANDOM = new SecureRandom();

  private InviteCodes() {}

  public static String generate() {
    StringBuilder b = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    return b.toString();
  }

  /** Upper-cased and stripped of spaces and dashes, as people type codes; null if it cannot be a code. */
  public static String normalize(String typed) {
    if (typed == null) return null;
    String c = typed.replace(" ", "").replace("-", "").toUpperCase(Locale.ROOT);
    if (c.length() != LENGTH) return null;
    for (int i = 0; i < c.length(); i++) if (ALPHABET.indexOf(c.charAt(i)) < 0) return null;
    return c;
  }

  /** The store key for a code. */
  public static String hash(String code) {
    return HexFormat.of().formatHex(Tokens.sha256(("coralmux-invite-id:" + code).getBytes(StandardCharsets.UTF_8)));
  }

  /** The token encrypted under the code (AES-256-GCM, random nonce), as base64. */
  public static String seal(String code, String token) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key(code), new GCMParameterSpec(128, nonce));
      byte[] ct = c.doFinal(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
    }
  }

  /** The token, or null if the sealed value does not open with this code. */
  public static String open(String code, String sealed) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(code), new GCMParameterSpec(128, all, 0, 12));
      return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  private static SecretKeySpec key(String code) {
    return new SecretKeySpec(Tokens.sha256(("coralmux-invite-key:" + code).getBytes(StandardCharsets.UTF_8)), "AES");
  }
}
