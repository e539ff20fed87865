package dev.coralmux.relay.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Pairing tokens: {@code oc_pair_} + 32 hex digits (128 random bits); stored and logged only as hashes. */
public final class Tokens {
  public static final String PREFIX = "oc_pair_";
  /** Hex digits of the hash that identify a token in lists, logs and admin calls. */
  public static final int ID_LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Tokens() {}

  public static String generate() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return PREFIX + HEX.formatHex(bytes);
  }

  /** Whether the string has a token's shape (it may still be unknown). */
  public static boolean wellFormed(String token) {
    if (token == null || !token.startsWith(PREFIX) || token.length() < PREFIX.length() + 32 || token.length() > 200) {
      return false;
    }
    for (int i = PREFIX.length(); i < token.length(); i++) {
      char c = token.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  public static String hash(String token) {
    return HEX.formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  public static String idOf(String hash) {
    return hash.substring(0, ID_LENGTH);
  }

  public static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
