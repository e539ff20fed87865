package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CoralMux v1 over real WebSockets against a real relay: auth, pairing, forwarding, directions, errors. */
class ProtocolTest {
  static TestRelay relay;

  @BeforeAll
  static void start() {
    // Rates raised so these tests exercise protocol rules, not the limiter (LimitsTest does that).
    relay = TestRelay.start(new JsonObject().put("limits",
        new JsonObject().put("phone_per_min", 100_000).put("agent_per_min", 100_000)));
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void authOkCarriesPairingAndQuotaFields() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.connect(relay.wsUrl())) {
      phone.send(Envelopes.auth(token, "phone"));
      JsonObject ok = phone.expect("auth.ok");
      assertEquals(1, ok.getInteger("v"));
      assertNotNull(UUID.fromString(ok.getString("id")));
      assertTrue(ok.getLong("ts") > 0);
      JsonObject p = ok.getJsonObject("payload");
      assertFalse(p.getBoolean("paired"));
      assertEquals(524_288_000L, p.getLong("daily_quota_bytes")); // 500 MiB, as the spec's own example
      assertEquals(0L, p.getLong("daily_used_bytes"));
      assertEquals(10_737_418_240L, p.getLong("monthly_quota_bytes"));
      assertEquals(0L, p.getLong("monthly_used_bytes"));
    }
  }

  @Test
  void specStyleAuthWithoutEnvelopeFieldsIsAccepted() {
    String token = relay.createToken();
    try (WsClient agent = WsClient.connect(relay.wsUrl())) {
      agent.send(new JsonObject().put("type", "auth")
          .put("payload", new JsonObject().put("token", token).put("role", "agent")).encode());
      agent.expect("auth.ok");
    }
  }

  @Test
  void unknownTokenIsRefusedAndClosed() {
    try (WsClient c = WsClient.connect(relay.wsUrl())) {
      c.send(Envelopes.auth("oc_pair_00000000000000000000000000000000", "phone"));
      JsonObject fail = c.expect("auth.fail");
      assertEquals("UNAUTHORIZED", fail.getJsonObject("payload").getString("code"));
      assertNotNull(fail.getJsonObject("payload").getString("message"));
      assertEquals(4401, c.awaitClose());
    }
  }

  @Test
  void badRoleIsRefused() {
    String token = relay.createToken();
    try (WsClient c = WsClient.connect(relay.wsUrl())) {
      c.send(Envelopes.auth(token, "admin"));
      JsonObject fail = c.expect("auth.fail");
      assertEquals("UNAUTHORIZED", fail.getJsonObject("payload").getString("code"));
      assertTrue(fail.getJsonObject("payload").getString("message").contains("role"));
      assertEquals(4401, c.awaitClose());
    }
  }

  @Test
  void firstFrameMustBeAuth() {
    try (WsClient c = WsClient.connect(relay.wsUrl())) {
      c.send(Envelopes.chat("hello"));
      JsonObject fail = c.expect("auth.fail");
      assertEquals("INVALID_MESSAGE", fail.getJsonObject("payload").getString("code"));
      assertEquals(4401, c.awaitClose());
    }
    try (WsClient c = WsClient.connect(relay.wsUrl())) {
      c.send("not json at all");
      assertEquals("INVALID_MESSAGE", c.expect("auth.fail").getJsonObject("payload").getString("code"));
      assertEquals(4401, c.awaitClose());
    }
  }

  @Test
  void pairingSendsStatusOnlineAndOffline() {
    String token = relay.createToken();
    WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
    WsClient agent = WsClient.connect(relay.wsUrl());
    agent.send(Envelopes.auth(token, "agent"));
    assertTrue(agent.expect("auth.ok").getJsonObject("payload").getBoolean("paired"));
    assertEquals("online", phone.expect("status").getJsonObject("payload").getString("peer"));
    agent.close();
    assertEquals("offline", phone.expect("status").getJsonObject("payload").getString("peer"));
    phone.expectQuiet();
    phone.close();
  }

  @Test
  void framesAreForwardedByteForByte() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      // Odd spacing, key order, unicode, an extra envelope field and an encrypted payload: all kept as sent.
      String frame = "{ \"v\":1,\"ts\":1707451200000, \"type\":\"chat.send\",\"id\":\"m-1\",\"x-extra\":[1,2],"
          + "\"payload\":{\"enc\":true,\"ciphertext\":\"VshhY2zb\",\"nonce\":\"yMnKy8zN\",\"note\":\"안녕 \\u00e9\"}}";
      phone.send(frame);
      assertEquals(frame, agent.nextRaw());
      String reply = "{\"v\":1,\"type\":\"chat.stream\",\"id\":\"r-1\",\"ts\":1,\"payload\":{\"delta\":\"Hi\",\"seq\":1}}";
      agent.send(reply);
      assertEquals(reply, phone.nextRaw());
    }
  }

  @Test
  void everySpecTypeTravelsInItsDirectionAndUnknownTypesBothWays() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      List<String> phoneToAgent = List.of("chat.send", "chat.history", "group.list", "group.messages",
          "group.send", "agent.list", "system.status", "memory.search", "chat.error", "key_exchange",
          "file.offer", "file.chunk", "vendor.custom_action", "future");
      List<String> agentToPhone = List.of("chat.stream", "chat.done", "chat.tool_status", "chat.history.result",
          "group.list.result", "group.messages.result", "group.message", "agent.list.result",
          "system.status.result", "memory.search.result", "chat.error", "key_exchange", "file.chunk",
          "vendor.custom_action");
      for (String type : phoneToAgent) {
        String f = Envelopes.of(type, new JsonObject().put("k", type));
        phone.send(f);
        assertEquals(f, agent.nextRaw(), type);
      }
      for (String type : agentToPhone) {
        String f = Envelopes.of(type, new JsonObject().put("k", type));
        agent.send(f);
        assertEquals(f, phone.nextRaw(), type);
      }
    }
  }

  @Test
  void wrongDirectionIsRefusedNamingTheRule() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      for (String type : List.of("chat.stream", "chat.done", "chat.tool_status", "group.message",
          "memory.search.result", "anything.result")) {
        String msg = Envelopes.of(type, new JsonObject());
        phone.send(msg);
        JsonObject err = phone.expectError("INVALID_MESSAGE");
        assertTrue(err.getString("message").contains("agent->phone"), err::encode);
        assertEquals(new JsonObject(msg).getString("id"), err.getString("ref_id"));
      }
      for (String type : List.of("chat.send", "chat.history", "group.list", "group.messages", "group.send",
          "agent.list", "system.status", "memory.search")) {
        agent.send(Envelopes.of(type, new JsonObject()));
        assertTrue(agent.expectError("INVALID_MESSAGE").getString("message").contains("phone->agent"));
      }
      agent.expectQuiet();
      phone.expectQuiet();
    }
  }

  @Test
  void aClientCannotPassItsErrorOffAsTheRelays() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      String forged = Envelopes.of("chat.error", new JsonObject().put("code", "PEER_OFFLINE")
          .put("message", "your peer is gone").put("source", "relay"));
      agent.send(forged);
      JsonObject err = agent.expectError("INVALID_MESSAGE");
      assertTrue(err.getString("message").contains("source"), err::encode);
      // A second "source" must not hide the claim from a reader that keeps the first one.
      agent.send("{\"v\":1,\"type\":\"chat.error\",\"id\":\"f2\",\"ts\":1,\"payload\":{\"code\":\"PEER_OFFLINE\","
          + "\"source\":\"relay\",\"source\":\"agent\"}}");
      assertTrue(agent.expectError("INVALID_MESSAGE").getString("message").contains("Duplicate field 'source'"));
      String own = Envelopes.of("chat.error", new JsonObject().put("code", "BACKEND_ERROR").put("message", "model down"));
      agent.send(own);
      assertEquals(own, phone.nextRaw(), "a peer's own chat.error is forwarded");
      phone.expectQuiet();
    }
  }

  @Test
  void invalidEnvelopesGetAClearErrorAndTheConnectionStaysUsable() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      String[][] cases = {
          {"[1,2]", "JSON object"},
          {"{\"v\":1,\"type\":\"chat.send\",\"id\":\"a\",\"ts\":1,\"payload\":{}", "malformed JSON"},
          {"{\"v\":2,\"type\":\"chat.send\",\"id\":\"a\",\"ts\":1,\"payload\":{}}", "v must be 1"},
          {"{\"type\":\"chat.send\",\"id\":\"a\",\"ts\":1,\"payload\":{}}", "missing field: v"},
          {"{\"v\":1,\"type\":\"\",\"id\":\"a\",\"ts\":1,\"payload\":{}}", "type must not be empty"},
          {"{\"v\":1,\"type\":\"chat..send\",\"id\":\"a\",\"ts\":1,\"payload\":{}}", "namespace.action"},
          {"{\"v\":1,\"type\":7,\"id\":\"a\",\"ts\":1,\"payload\":{}}", "type must be a string"},
          {"{\"v\":1,\"type\":\"chat.send\",\"ts\":1,\"payload\":{}}", "missing field: id"},
          {"{\"v\":1,\"type\":\"chat.send\",\"id\":\"" + "x".repeat(129) + "\",\"ts\":1,\"payload\":{}}", "id must be"},
          {"{\"v\":1,\"type\":\"chat.send\",\"id\":\"a\",\"ts\":1.5,\"payload\":{}}", "ts must be an integer"},
          {"{\"v\":1,\"type\":\"chat.send\",\"id\":\"a\",\"payload\":{}}", "missing field: ts"},
          {"{\"v\":1,\"type\":\"chat.send\",\"id\":\"a\",\"ts\":1,\"payload\":\"hi\"}", "payload must be an object"},
          {"{\"v\":1,\"type\":\"chat.send\",\"id\":\"a\",\"ts\":1,\"payload\":{}} trailing", "after the envelope"},
          {"{\"v\":1,\"type\":\"status\",\"id\":\"a\",\"ts\":1,\"payload\":{}}", "reserved"},
          {"{\"v\":1,\"type\":\"auth.ok\",\"id\":\"a\",\"ts\":1,\"payload\":{}}", "reserved"},
      };
      for (String[] c : cases) {
        phone.send(c[0]);
        String message = phone.expectError("INVALID_MESSAGE").getString("message");
        assertTrue(message.contains(c[1]), () -> c[0] + " -> " + message);
      }
      // A missing payload counts as {} and is forwarded.
      String noPayload = "{\"v\":1,\"type\":\"chat.send\",\"id\":\"np\",\"ts\":1}";
      phone.send(noPayload);
      assertEquals(noPayload, agent.nextRaw());
      // Binary frames are refused, the connection stays usable.
      phone.sendBinary(new byte[] {1, 2, 3});
      assertTrue(phone.expectError("INVALID_MESSAGE").getString("message").contains("binary"));
      String ok = Envelopes.chat("still here");
      phone.send(ok);
      assertEquals(ok, agent.nextRaw());
      agent.expectQuiet();
    }
  }

  @Test
  void fragmentedMessagesAreReassembled() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      String msg = Envelopes.chat("x".repeat(10_000));
      phone.sendFragmented(msg, 5);
      assertEquals(msg, agent.nextRaw());
    }
  }

  @Test
  void pingIsAnsweredByTheRelayAndNotForwarded() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      phone.send(Envelopes.of("ping", new JsonObject()));
      JsonObject pong = phone.expect("pong");
      assertEquals(new JsonObject(), pong.getJsonObject("payload"));
      assertNotNull(UUID.fromString(pong.getString("id")));
      phone.send(Envelopes.of("pong", new JsonObject())); // accepted silently
      String marker = Envelopes.chat("after ping");
      phone.send(marker);
      assertEquals(marker, agent.nextRaw(), "the agent must see neither the ping nor the pong");
    }
  }

  @Test
  void peerOfflineWhenNobodyIsOnTheOtherSide() {
    String token = relay.createToken();
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone")) {
      String msg = Envelopes.chat("anyone?");
      phone.send(msg);
      JsonObject err = phone.expectError("PEER_OFFLINE");
      assertEquals(new JsonObject(msg).getString("id"), err.getString("ref_id"));
    }
  }

  @Test
  void tokensAreIsolated() {
    String a = relay.createToken();
    String b = relay.createToken();
    try (WsClient phoneA = WsClient.auth(relay.wsUrl(), a, "phone");
         WsClient agentA = WsClient.auth(relay.wsUrl(), a, "agent");
         WsClient phoneB = WsClient.auth(relay.wsUrl(), b, "phone");
         WsClient agentB = WsClient.auth(relay.wsUrl(), b, "agent")) {
      phoneA.expect("status");
      phoneB.expect("status");
      String toA = Envelopes.chat("for A only");
      String toB = Envelopes.chat("for B only");
      phoneA.send(toA);
      phoneB.send(toB);
      assertEquals(toA, agentA.nextRaw());
      assertEquals(toB, agentB.nextRaw());
      agentA.expectQuiet();
      agentB.expectQuiet();
    }
  }

  @Test
  void unauthenticatedSocketIsClosedAfterTheAuthTimeout() {
    try (TestRelay quick = TestRelay.start(new JsonObject().put("websocket",
        new JsonObject().put("auth_timeout_ms", 300)))) {
      try (WsClient c = WsClient.connect(quick.wsUrl())) {
        JsonObject fail = c.expect("auth.fail");
        assertEquals("UNAUTHORIZED", fail.getJsonObject("payload").getString("code"));
        assertTrue(fail.getJsonObject("payload").getString("message").contains("timed out"));
        assertEquals(4401, c.awaitClose());
      }
    }
  }

  @Test
  void revokingATokenClosesBothSidesAndStopsIt() {
    String token = relay.createToken();
    WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
    WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
    phone.expect("status");
    assertEquals(204, relay.http("DELETE", "/api/v1/pair/" + token, null, TestRelay.ADMIN_KEY).statusCode());
    assertEquals(4401, phone.awaitClose());
    assertEquals(4401, agent.awaitClose());
    assertTrue(phone.closeReason().contains("revoked"));
    try (WsClient again = WsClient.connect(relay.wsUrl())) {
      again.send(Envelopes.auth(token, "phone"));
      assertEquals("UNAUTHORIZED", again.expect("auth.fail").getJsonObject("payload").getString("code"));
    }
  }

  @Test
  void expiredTokenIsRefused() {
    String token = relay.createToken(new JsonObject().put("expires_in_s", 1));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
      try (WsClient c = WsClient.connect(relay.wsUrl())) {
        c.send(Envelopes.auth(token, "phone"));
        JsonObject m = c.next();
        return m.getString("type").equals("auth.fail")
            && m.getJsonObject("payload").getString("message").contains("expired");
      }
    });
  }
}
