package dev.coralmux.relay.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Invariant 7, checked on every test run: no log line — in this JVM, error paths and stack
 * traces included, or in the output of a relay process a test started — carries a whole pairing
 * token or a client envelope's payload. Registered for every test class (JUnit autodetection);
 * a class during which such a line was logged fails.
 */
public final class LogScan implements BeforeAllCallback, AfterAllCallback {
  /** A whole token (logs may carry its id or hash prefix, never the token). */
  private static final Pattern TOKEN = Pattern.compile("oc_pair_[0-9a-f]{32,}");
  /** Envelope payloads and E2E fields: a forwarded frame in a log. */
  private static final Pattern PAYLOAD = Pattern.compile("\"(payload|ciphertext|text|delta)\"\\s*:");
  private static final int KEEP = 20;
  private static final ConcurrentLinkedQueue<String> FOUND = new ConcurrentLinkedQueue<>();
  private static Handler handler;

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
    FOUND.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> found = new ArrayList<>(FOUND);
    FOUND.clear();
    if (!found.isEmpty()) {
      throw new AssertionError("log lines with a token or a payload (invariant 7):\n" + String.join("\n", found));
    }
  }

  /** Scans text from outside this JVM's logging (a relay process's output). */
  public static void scan(String source, String text) {
    for (String line : text.split("\n")) check(source, line);
  }

  private static synchronized void install() {
    if (handler != null) return;
    handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        StringBuilder line = new StringBuilder(String.valueOf(r.getMessage()));
        if (r.getParameters() != null) for (Object p : r.getParameters()) line.append(' ').append(p);
        if (r.getThrown() != null) {
          StringWriter trace = new StringWriter();
          r.getThrown().printStackTrace(new PrintWriter(trace));
          line.append('\n').append(trace);
        }
        check(r.getLoggerName(), line.toString());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(handler);
  }

  private static void check(String source, String line) {
    if ((TOKEN.matcher(line).find() || PAYLOAD.matcher(line).find()) && FOUND.size() < KEEP) {
      String shown = TOKEN.matcher(line).replaceAll("oc_pair_<token>");
      FOUND.add(source + ": " + (shown.length() > 300 ? shown.substring(0, 300) + "…" : shown));
    }
  }
}
