package dev.coralmux.relay.admin;

import dev.coralmux.relay.store.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Session ids (192 random bits) and the only form in which they are stored: their SHA-256. */
public final class SessionIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {}

  public static String generate() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Looked up by this, so a store (or a timing of its lookups) never sees the id itself. */
  public static String hash(String id) {
    return HexFormat.of().formatHex(Tokens.sha256(id.getBytes(StandardCharsets.UTF_8)));
  }
}
