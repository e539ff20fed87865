package dev.coralmux.relay.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.store.Tokens;
import dev.coralmux.relay.support.TestRelay;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

/** Issue 11, item 17: a token that reaches a log line — message, exception, trace — is cut to its first 4 digits. */
class RedactionTest {

  @Test
  void textAndJsonLinesCarryNoWholeTokenEvenInAStackTrace() {
    String token = Tokens.generate();
    // A logger of its own, not the root's: the test's log scan must not see the unredacted record.
    Logger isolated = Logger.getAnonymousLogger();
    isolated.setUseParentHandlers(false);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    StreamHandler th = new StreamHandler(text, new RedactingFormatter(new SimpleFormatter()));
    StreamHandler jh = new StreamHandler(json, new JsonLogFormatter());
    isolated.addHandler(th);
    isolated.addHandler(jh);
    isolated.log(Level.WARNING, "request failed: GET /api/v1/pair/" + token + "/usage",
        new IllegalArgumentException("cannot decode " + token.toUpperCase().replace("OC_PAIR_", "oc_pair_")));
    th.flush();
    jh.flush();
    for (String out : new String[] {text.toString(StandardCharsets.UTF_8), json.toString(StandardCharsets.UTF_8)}) {
      assertFalse(out.toLowerCase().contains(token.substring(8)), "no whole token, in any case: " + out);
      assertTrue(out.contains("oc_pair_…" + token.substring(8, 12)), out);
      assertTrue(out.contains("IllegalArgumentException"), "the trace is still there: " + out);
    }
  }

  @Test
  void theRelayRedactsEveryLogHandlerItWritesTo() {
    try (TestRelay relay = TestRelay.start()) {
      for (Handler h : Logger.getLogger("").getHandlers()) {
        Formatter f = h.getFormatter();
        assertTrue(f == null || f instanceof RedactingFormatter || f instanceof JsonLogFormatter, h + " writes " + f);
      }
    }
  }
}
