package dev.coralmux.relay.support;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The scan that guards invariant 7 would catch a leak: it is only worth having if it can fail. */
class LogScanTest {

  @Test
  void aTokenOrAPayloadInAnyLogLineFailsTheClass() {
    LogScan scan = new LogScan();
    scan.beforeAll(null);
    Logger.getLogger("leaky").warning("could not deliver {\"type\":\"chat.send\",\"payload\":{\"text\":\"secret\"}}");
    AssertionError payload = assertThrows(AssertionError.class, () -> scan.afterAll(null));
    assertTrue(payload.getMessage().contains("leaky"), payload.getMessage());

    scan.beforeAll(null);
    LogScan.scan("a relay process", "token oc_pair_" + "ab".repeat(20) + " revoked");
    AssertionError token = assertThrows(AssertionError.class, () -> scan.afterAll(null));
    assertTrue(token.getMessage().contains("oc_pair_<token>") && !token.getMessage().contains("abab"), token.getMessage());

    scan.beforeAll(null);
    Logger.getLogger("fine").info("phone connected for token 1a2b3c4d (paired)");
    scan.afterAll(null); // nothing to report
  }
}
