package dev.coralmux.relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.RelayError;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI commands skip only the replay after their first auth.ok (their earlier runs), never a reconnect's. */
class StartupHistoryTest {
  private static JsonObject resumed(int n) {
    return new JsonObject().put("paired", true).put("resume", new JsonObject().put("replayed", n).put("complete", false));
  }

  @Test
  void skipsTheFirstReplayMessagesAndRefusalsAlikeThenNothing() {
    List<Integer> told = new ArrayList<>();
    StartupHistory h = new StartupHistory(told::add);
    assertFalse(h.connected(resumed(3)));
    assertTrue(h.skip());
    assertFalse(h.skip(new RelayError("RATE_LIMITED", "ours, from the relay", "mine", 10)), "not a peer message");
    assertTrue(h.skip(new RelayError("E2E_NO_KEY", "sealed to an earlier key", "p2", -1)));
    assertEquals(List.of(), told);
    assertTrue(h.skip());
    assertEquals(List.of(3), told, "told once, when the last is skipped");
    assertFalse(h.skip(), "what follows is new");
    assertTrue(h.connected(resumed(2)), "a reconnect");
    assertFalse(h.skip(), "a reconnect's replay is what was missed: acted on");
  }

  @Test
  void nothingToSkipWithoutResume() {
    StartupHistory h = new StartupHistory(n -> { });
    h.connected(new JsonObject().put("paired", true));
    assertFalse(h.skip());
    assertFalse(h.skip(new RelayError("E2E_PLAINTEXT", "x", "p1", -1)));
  }
}
