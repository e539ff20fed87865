package dev.coralmux.relay.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.DroppedPhone;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reliable delivery (RELIABLE-DELIVERY.md) on a standalone relay, with real sockets. */
class ReliableDeliveryTest {

  @Test
  void phoneDroppedWithoutACloseFrameGetsEveryMessageExactlyOnceInOrder() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      DroppedPhone.run(relay.createToken(), relay.port(), relay.wsUrl(), relay.wsUrl(), 40);
    }
  }

  @Test
  void storedForAnOfflinePeerThenReplayedWithAcks() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        assertFalse(agent.expect("auth.ok").getJsonObject("payload").getBoolean("paired"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String m = Envelopes.of("chat.done", new JsonObject().put("text", "while you were away " + i));
          sent.add(m);
          agent.send(m); // a resume sender never gets PEER_OFFLINE
          assertAck(agent.expect("ack"), m, "stored");
        }
        try (WsClient phone = WsClient.connect(relay.wsUrl())) {
          phone.send(Envelopes.authResume(token, "phone", null));
          JsonObject ok = phone.expect("auth.ok").getJsonObject("payload");
          assertEquals(new JsonObject().put("replayed", 5).put("complete", true), ok.getJsonObject("resume"));
          for (String m : sent) assertEquals(m, phone.nextRaw()); // byte for byte, in order
          phone.expectQuiet();
          // The sender learns each was delivered (after the phone's "online" notice).
          int delivered = 0;
          while (delivered < 5) {
            JsonObject m = agent.next();
            if (m.getString("type").equals("ack")) {
              assertAck(m, sent.get(delivered++), "delivered");
            }
          }
        }
      }
      assertEquals(5, relay.health().getJsonObject("history").getLong("stored_offline"));
    }
  }

  @Test
  void aV1PeerGetsWhatWasStoredForItsRoleRightAfterAuthOk() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        agent.expect("auth.ok");
        String m = Envelopes.of("chat.done", new JsonObject().put("text", "stored"));
        agent.send(m);
        agent.expect("ack");
        try (WsClient phone = WsClient.connect(relay.wsUrl())) {
          phone.send(Envelopes.auth(token, "phone")); // v1: no caps
          JsonObject ok = phone.expect("auth.ok").getJsonObject("payload");
          assertFalse(ok.containsKey("resume"), "a v1 client's auth.ok is v1's");
          assertEquals(m, phone.nextRaw());
          phone.expectQuiet();
        }
        // It was delivered: a v1 reconnect does not get it again.
        try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone")) {
          phone.expectQuiet();
        }
      }
    }
  }

  @Test
  void aSmallHistoryTrimsTheOldestAndTheReaderIsToldItIsIncomplete() {
    JsonObject conf = new JsonObject().put("history", new JsonObject().put("max_messages", 3));
    try (TestRelay relay = TestRelay.start(conf)) {
      String token = relay.createToken();
      List<String> sent = new ArrayList<>();
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        agent.expect("auth.ok");
        for (int i = 0; i < 5; i++) {
          String m = Envelopes.of("chat.done", new JsonObject().put("text", "n" + i));
          sent.add(m);
          agent.send(m);
          agent.expect("ack");
        }
      }
      try (WsClient phone = WsClient.connect(relay.wsUrl())) {
        phone.send(Envelopes.authResume(token, "phone", null));
        JsonObject ok = phone.expect("auth.ok").getJsonObject("payload");
        assertEquals(new JsonObject().put("replayed", 3).put("complete", false), ok.getJsonObject("resume"));
        for (String m : sent.subList(2, 5)) assertEquals(m, phone.nextRaw());
        phone.expectQuiet();
      }
      assertEquals(2, relay.undelivered("history_trimmed"), "trimmed before delivery: counted, never silent");
    }
  }

  @Test
  void aResendWithTheSameIdIsDeliveredOnceAndChargedOnce() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      try (WsClient phone = WsClient.connect(relay.wsUrl()); WsClient agent = WsClient.connect(relay.wsUrl())) {
        phone.send(Envelopes.authResume(token, "phone", null));
        phone.expect("auth.ok");
        agent.send(Envelopes.authResume(token, "agent", null));
        agent.expect("auth.ok");
        phone.expect("status");
        String m = Envelopes.of("chat.done", new JsonObject().put("text", "once".repeat(30)));
        agent.send(m);
        assertEquals(m, phone.nextRaw());
        assertAck(agent.expect("ack"), m, "delivered");
        agent.send(m); // a client that resends what it has no ack for after a reconnect
        assertAck(agent.expect("ack"), m, "delivered");
        phone.expectQuiet();
        assertEquals(1, relay.health().getJsonObject("history").getLong("duplicates_suppressed"));
        assertEquals(1, relay.health().getJsonObject("forwarded").getLong("messages"));
      }
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.auth(token, "agent"));
        long used = agent.expect("auth.ok").getJsonObject("payload").getLong("daily_used_bytes");
        assertTrue(used > 0 && used < 2 * 200, "charged once, not twice: " + used);
      }
    }
  }

  @Test
  void aV1SenderStillHearsPeerOfflineAndTheHistoryCanBeTurnedOff() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      try (WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        agent.send(Envelopes.chat("x").replace("chat.send", "chat.done"));
        agent.expectError("PEER_OFFLINE");
      }
    }
    JsonObject off = new JsonObject().put("history", new JsonObject().put("enabled", false));
    try (TestRelay relay = TestRelay.start(off)) {
      String token = relay.createToken();
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        assertFalse(agent.expect("auth.ok").getJsonObject("payload").containsKey("resume"));
        agent.send(Envelopes.of("chat.done", new JsonObject()));
        agent.expectError("PEER_OFFLINE");
      }
    }
    // Per token: history bounds of 0 keep nothing of that token's messages (v1 only, as above).
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken(new JsonObject().put("limits", new JsonObject().put("history_messages", 0)));
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        assertFalse(agent.expect("auth.ok").getJsonObject("payload").containsKey("resume"));
        agent.send(Envelopes.of("chat.done", new JsonObject()));
        agent.expectError("PEER_OFFLINE");
      }
      try (WsClient phone = WsClient.connect(relay.wsUrl())) {
        phone.send(Envelopes.authResume(token, "phone", null));
        assertFalse(phone.expect("auth.ok").getJsonObject("payload").containsKey("resume"));
        phone.expectQuiet();
      }
      assertEquals(0, relay.health().getJsonObject("history").getLong("kept"), relay.health().encode());
    }
  }

  @Test
  void badCapsOrLastIdAreRefusedAndAckIsReserved() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      for (JsonObject extra : List.of(new JsonObject().put("caps", "resume"),
          new JsonObject().put("caps", new JsonArray().add(1)),
          new JsonObject().put("caps", new JsonArray().add("resume")).put("last_id", 42),
          new JsonObject().put("caps", new JsonArray().add("resume")).put("last_id", "x".repeat(129)))) {
        try (WsClient c = WsClient.connect(relay.wsUrl())) {
          JsonObject auth = new JsonObject(Envelopes.auth(token, "phone"));
          auth.getJsonObject("payload").mergeIn(extra);
          c.send(auth.encode());
          JsonObject fail = c.expect("auth.fail").getJsonObject("payload");
          assertEquals("INVALID_MESSAGE", fail.getString("code"), extra::encode);
        }
      }
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone")) {
        phone.send(Envelopes.of("ack", new JsonObject().put("ref_id", "x").put("state", "delivered")));
        phone.expectError("INVALID_MESSAGE");
      }
    }
  }

  @Test
  void aStalledReaderCatchesUpFromTheHistoryInOrder() {
    JsonObject conf = new JsonObject().put("websocket", new JsonObject().put("send_queue_bytes", 64 * 1024));
    try (TestRelay relay = TestRelay.start(conf)) {
      String token = relay.createToken();
      WsClient phone = WsClient.connect(relay.wsUrl(), false);
      phone.send(Envelopes.authResume(token, "phone", null));
      phone.read(2); // auth.ok, status
      try (WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          String m = Envelopes.stream("z".repeat(4096) + i, i);
          sent.add(m);
          agent.send(m); // far more than the reader's socket queue holds
        }
        agent.expectQuiet(); // no RATE_LIMITED: the history is the buffer
        phone.read(Long.MAX_VALUE);
        phone.expect("auth.ok");
        phone.expect("status");
        for (String m : sent) assertEquals(m, phone.nextRaw());
        phone.expectQuiet();
      } finally {
        phone.close();
      }
    }
  }

  private static void assertAck(JsonObject ack, String sent, String state) {
    assertEquals("ack", ack.getString("type"));
    assertEquals(new JsonObject(sent).getString("id"), ack.getJsonObject("payload").getString("ref_id"));
    assertEquals(state, ack.getJsonObject("payload").getString("state"), ack::encode);
  }
}
