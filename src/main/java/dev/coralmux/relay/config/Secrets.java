package dev.coralmux.relay.config;

import java.util.List;
import java.util.Locale;

/**
 * Checks configured secrets: long enough to resist guessing, and not a placeholder shipped in
 * {@code k8s/secret.yaml} or the docs (a relay must not start with a value everybody can read).
 */
public final class Secrets {
  public static final int MIN_ADMIN_KEY = 16;
  public static final int MIN_INVITE_SECRET = 32;
  /** Placeholders, compared without case and without anything but letters and digits. */
  private static final List<String> PLACEHOLDERS = List.of("changeme", "replaceme");

  private Secrets() {}

  /** Adds a problem naming {@code key} if a non-empty {@code value} is too short or a placeholder. */
  public static void check(String key, String value, int minLength, List<String> problems) {
    String problem = problem(value, minLength);
    if (problem != null) problems.add(key + ": " + problem);
  }

  /** Why {@code value} cannot be used as a secret, or null; empty means "not set" and is fine here. */
  public static String problem(String value, int minLength) {
    if (value == null || value.isEmpty()) return null;
    String letters = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    for (String p : PLACEHOLDERS) {
      if (letters.contains(p)) return "looks like a placeholder (contains \"" + p + "\"); use a random value, e.g. openssl rand -hex 32";
    }
    if (value.length() < minLength) {
      return "must be at least " + minLength + " characters (got " + value.length() + "); use e.g. openssl rand -hex 32";
    }
    return null;
  }
}
