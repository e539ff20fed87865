package dev.coralmux.relay.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A reader that stops reading fills its bounded queue: its sender gets an error per refused
 * message, the reader is cut as a slow consumer, and nobody else notices.
 */
class SlowConsumerTest {

  @Test
  void stalledReaderGetsBackPressureThenIsClosedAndOthersKeepWorking() {
    // v1 back-pressure: with the history on, a kept message waits there for a slow reader instead
    // (ReliableDeliveryTest#stalledReaderCatchesUpFromTheHistory).
    JsonObject conf = new JsonObject().put("history", new JsonObject().put("enabled", false))
        .put("limits", new JsonObject().put("phone_per_min", 1_000_000).put("agent_per_min", 1_000_000))
        .put("websocket", new JsonObject().put("send_queue_bytes", 256 * 1024).put("slow_consumer_timeout_ms", 2_000)
            .put("heartbeat_interval_ms", 2_000));
    try (TestRelay relay = TestRelay.start(conf)) {
      String token = relay.createToken();
      String other = relay.createToken();
      WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
      WsClient stalledAgent = WsClient.connect(relay.wsUrl(), false);
      stalledAgent.send(Envelopes.auth(token, "agent"));
      phone.expect("status");
      WsClient otherPhone = WsClient.auth(relay.wsUrl(), other, "phone");
      WsClient otherAgent = WsClient.auth(relay.wsUrl(), other, "agent");
      otherPhone.expect("status");

      long forwardedBefore = forwarded(relay);

      // 64 KB messages until the relay pushes back; kernel socket buffers absorb the first few MB.
      String chunk = Envelopes.chat("x".repeat(64 * 1024));
      Tally tally = new Tally();
      int sent = 0;
      while (tally.rateLimited == 0 && sent < 3_000) {
        phone.send(chunk);
        sent++;
        tally.drain(phone);
      }
      assertTrue(tally.rateLimited > 0, "the relay never pushed back after " + sent + " messages");

      // The stalled reader is closed as a slow consumer; the phone is told its peer went away.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        tally.drain(phone);
        return tally.offline;
      });
      assertEquals(1L, relay.health().getLong("slow_consumers_closed"));

      // The stalled reader never takes even the close frame: its TCP connection is cut anyway and
      // its queued bytes freed (3 sockets left: the phone and the other pair).
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertEquals(3L, relay.health().getJsonObject("connections").getLong("sockets")));

      // Nothing lost silently: each message was written to the agent's socket or its sender got an
      // error — those queued when the socket was cut included (gone_disconnected), none counted as forwarded.
      int total = sent;
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        tally.drain(phone);
        long written = forwarded(relay) - forwardedBefore;
        assertEquals(total, written + tally.errors, () -> "sent " + total + ", written " + written + ", errors "
            + tally.errors + ", relay says " + relay.health().encode());
      });
      assertEquals(tally.rateLimited, relay.undelivered("peer_slow"));
      assertEquals(tally.errors - tally.rateLimited, relay.undelivered("gone_disconnected"));
      // The quota counts what was forwarded, not what was bounced.
      long written = forwarded(relay) - forwardedBefore;
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(written * chunk.length(),
          new JsonObject(relay.http("GET", "/api/v1/pair/" + token + "/usage", null, null).body())
              .getLong("daily_used_bytes")));

      // The sender and an unrelated pair are fine.
      phone.expectQuiet();
      String m = Envelopes.chat("unaffected");
      otherPhone.send(m);
      assertEquals(m, otherAgent.nextRaw());
      phone.close();
      stalledAgent.close();
      otherPhone.close();
      otherAgent.close();
    }
  }

  @Test
  void repliesToAStalledClientThatSendsGarbageAreBoundedAndCounted() {
    // The original relay crashed when a stalled reader also sent bad input.
    // v1 back-pressure: with the history on, a kept message waits there for a slow reader instead
    // (ReliableDeliveryTest#stalledReaderCatchesUpFromTheHistory).
    JsonObject conf = new JsonObject().put("history", new JsonObject().put("enabled", false))
        .put("limits", new JsonObject().put("phone_per_min", 1_000_000).put("agent_per_min", 1_000_000))
        .put("websocket", new JsonObject().put("send_queue_bytes", 256 * 1024).put("slow_consumer_timeout_ms", 600_000));
    try (TestRelay relay = TestRelay.start(conf)) {
      String token = relay.createToken();
      WsClient stalledPhone = WsClient.connect(relay.wsUrl(), false);
      stalledPhone.send(Envelopes.auth(token, "phone"));
      WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
      // Fill the stalled phone's queue to its bound.
      String chunk = Envelopes.stream("y".repeat(16 * 1024), 1);
      Tally tally = new Tally();
      for (int sent = 0; tally.rateLimited == 0 && sent < 5_000; sent++) {
        agent.send(chunk);
        tally.drain(agent);
      }
      assertTrue(tally.rateLimited > 0, "the relay never pushed back");
      // Now garbage from the stalled phone: its error replies cannot be queued; they are counted.
      for (int i = 0; i < 200; i++) stalledPhone.send("{garbage");
      await().atMost(Duration.ofSeconds(30)).until(() -> relay.health().getLong("relay_errors_not_sent") > 0);
      assertTrue(relay.undelivered("invalid_message") > 0);
      // The relay serves everyone else.
      String other = relay.createToken();
      try (WsClient p = WsClient.auth(relay.wsUrl(), other, "phone");
           WsClient a = WsClient.auth(relay.wsUrl(), other, "agent")) {
        p.expect("status");
        String m = Envelopes.chat("fine");
        p.send(m);
        assertEquals(m, a.nextRaw());
      }
      stalledPhone.close();
      agent.close();
    }
  }

  private static long forwarded(TestRelay relay) {
    return relay.health().getJsonObject("forwarded").getLong("messages");
  }

  /** What the sender has been told so far. */
  private static final class Tally {
    int errors;
    int rateLimited;
    boolean offline;

    void drain(WsClient phone) {
      while (phone.pending() > 0) {
        JsonObject m = phone.next();
        String type = m.getString("type");
        if (type.equals("chat.error")) {
          errors++;
          JsonObject p = m.getJsonObject("payload");
          if (p.getString("code").equals("RATE_LIMITED")) {
            assertTrue(p.getLong("retry_after_ms") > 0);
            rateLimited++;
          }
        } else if (type.equals("status")) {
          assertEquals("offline", m.getJsonObject("payload").getString("peer"));
          offline = true;
        }
      }
    }
  }
}
