package dev.coralmux.relay.invite;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Six-character invite codes from an alphabet without look-alikes (no 0/O, 1/I/L). How they are
 * stored (hashed, with the token sealed under them) is {@link InviteKeys}.
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
}
