package dev.coralmux.relay.logging;

import java.util.regex.Pattern;

/**
 * The last line of defence for invariant 7: whatever reaches a log line (a message, an exception's
 * message, a stack trace, a third-party library's text), a pairing token in it is cut to
 * {@code oc_pair_…} and its first 4 hex digits. The relay's own code logs token ids only.
 */
public final class Redaction {
  /** 12 hex digits or more: a whole token (32) or most of one; ids and hash prefixes never carry the prefix. */
  private static final Pattern TOKEN = Pattern.compile("oc_pair_([0-9a-fA-F]{4})[0-9a-fA-F]{8,}");

  private Redaction() {}

  public static String redact(String text) {
    if (text == null || !text.contains("oc_pair_")) return text;
    return TOKEN.matcher(text).replaceAll("oc_pair_…$1");
  }
}
