package dev.coralmux.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate limits, quotas and size limits, per token and role, over real WebSockets. */
class LimitsTest {
  static TestRelay relay;

  @BeforeAll
  static void start() {
    relay = TestRelay.start();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  private static WsClient[] pair(String token) {
    WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
    WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
    phone.expect("status");
    return new WsClient[] {phone, agent};
  }

  @Test
  void phoneRateIs30PerMinuteWithBurst30AndReconnectingDoesNotReset() {
    String token = relay.createToken();
    WsClient[] p = pair(token);
    for (int i = 0; i < 30; i++) {
      String m = Envelopes.chat("m" + i);
      p[0].send(m);
      assertEquals(m, p[1].nextRaw());
    }
    p[0].send(Envelopes.chat("one too many"));
    JsonObject err = p[0].expectError("RATE_LIMITED");
    long retry = err.getLong("retry_after_ms");
    assertTrue(retry > 0 && retry <= 2_000, "one message refills in 2 s at 30/min, got " + retry);
    // Pings never count.
    for (int i = 0; i < 5; i++) p[0].expectQuiet();
    // A new connection for the same token and role inherits the bucket.
    p[0].close();
    WsClient phone2 = WsClient.auth(relay.wsUrl(), token, "phone");
    phone2.send(Envelopes.chat("after reconnect"));
    phone2.expectError("RATE_LIMITED");
    // The agent's own budget (120/min) is separate.
    String reply = Envelopes.stream("still fine", 1);
    p[1].send(reply);
    assertEquals(reply, phone2.nextRaw());
    phone2.close();
    p[1].close();
  }

  @Test
  void invalidFramesCountTowardTheRateToo() {
    String token = relay.createToken(new JsonObject().put("limits", new JsonObject().put("phone_per_min", 3)));
    WsClient[] p = pair(token);
    for (int i = 0; i < 3; i++) {
      p[0].send("{bad json");
      p[0].expectError("INVALID_MESSAGE");
    }
    p[0].send("{bad json");
    p[0].expectError("RATE_LIMITED");
    p[0].close();
    p[1].close();
  }

  @Test
  void dailyQuotaCountsBothDirectionsAndStopsAtTheLimit() {
    String token = relay.createToken(new JsonObject().put("limits", new JsonObject().put("daily_bytes", 1000)));
    WsClient[] p = pair(token);
    String fromPhone = Envelopes.chat("x".repeat(300));
    String fromAgent = Envelopes.stream("y".repeat(300), 1);
    p[0].send(fromPhone);
    assertEquals(fromPhone, p[1].nextRaw());
    p[1].send(fromAgent);
    assertEquals(fromAgent, p[0].nextRaw());
    long used = fromPhone.length() + fromAgent.length();
    assertTrue(used + fromPhone.length() > 1000, "test precondition: the third message must not fit");
    p[0].send(Envelopes.fresh(fromPhone)); // the same size, a new message (a repeated id would be a resend)
    JsonObject err = p[0].expectError("DAILY_QUOTA_EXCEEDED");
    assertTrue(err.getLong("retry_after_ms") > 0 && err.getLong("retry_after_ms") <= 86_400_000L);
    p[1].expectQuiet();
    JsonObject usage = new JsonObject(relay.http("GET", "/api/v1/pair/" + token + "/usage", null, null).body());
    assertEquals(used, usage.getLong("daily_used_bytes"));
    assertEquals(1000L, usage.getLong("daily_quota_bytes"));
    assertEquals(used, usage.getLong("monthly_used_bytes"));
    // The next auth.ok reports the same figures.
    try (WsClient again = WsClient.connect(relay.wsUrl())) {
      again.send(Envelopes.auth(token, "phone"));
      JsonObject ok = again.expect("auth.ok").getJsonObject("payload");
      assertEquals(used, ok.getLong("daily_used_bytes"));
      assertEquals(1000L, ok.getLong("daily_quota_bytes"));
    }
    p[1].close();
  }

  @Test
  void monthlyQuotaIsEnforcedSeparately() {
    String token = relay.createToken(new JsonObject().put("limits", new JsonObject().put("monthly_bytes", 500)));
    WsClient[] p = pair(token);
    String m = Envelopes.chat("z".repeat(300));
    p[0].send(m);
    assertEquals(m, p[1].nextRaw());
    p[0].send(Envelopes.fresh(m)); // another message of the same size (the same id would be a resend)
    JsonObject err = p[0].expectError("MONTHLY_QUOTA_EXCEEDED");
    assertTrue(err.getLong("retry_after_ms") > 0);
    p[0].close();
    p[1].close();
  }

  @Test
  void oversizeMessageIsRefusedAndTheConnectionStaysUsable() {
    String token = relay.createToken(new JsonObject().put("limits", new JsonObject().put("max_message_bytes", 2048)));
    WsClient[] p = pair(token);
    p[0].send(Envelopes.chat("x".repeat(3000)));
    JsonObject err = p[0].expectError("MESSAGE_TOO_LARGE");
    assertTrue(err.getString("message").contains("2048"));
    p[0].sendFragmented(Envelopes.chat("x".repeat(6000)), 6);
    p[0].expectError("MESSAGE_TOO_LARGE");
    String ok = Envelopes.chat("small");
    p[0].send(ok);
    assertEquals(ok, p[1].nextRaw());
    p[0].close();
    p[1].close();
  }

  @Test
  void defaultFiveMebibyteLimitAndHardCapCloseWith1009() {
    String token = relay.createToken();
    WsClient[] p = pair(token);
    String justOver = Envelopes.chat("x".repeat(5 * 1024 * 1024));
    p[0].send(justOver);
    p[0].expectError("MESSAGE_TOO_LARGE");
    String big = Envelopes.chat("x".repeat(5 * 1024 * 1024 - 200));
    p[0].send(big);
    assertEquals(big, p[1].nextRaw());
    // Past the hard cap (twice the limit) reading further is unsafe: the relay closes with 1009.
    p[0].sendAsync(Envelopes.chat("x".repeat(11 * 1024 * 1024)));
    assertEquals(1009, p[0].awaitClose());
    // Everyone else is unaffected.
    assertEquals("offline", p[1].expect("status").getJsonObject("payload").getString("peer"));
    p[1].expectQuiet();
    p[1].close();
  }
}
