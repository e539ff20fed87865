package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token API and health over real HTTP. */
class HttpApiTest {
  static TestRelay relay;
  static final String KEY = TestRelay.ADMIN_KEY;

  @BeforeAll
  static void start() {
    relay = TestRelay.start();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  @Test
  void adminRoutesNeedTheKey() {
    for (String[] route : new String[][] {{"POST", "/api/v1/pair"}, {"GET", "/api/v1/pair"},
        {"DELETE", "/api/v1/pair/oc_pair_00000000000000000000000000000000"}}) {
      HttpResponse<String> missing = relay.http(route[0], route[1], null, null);
      assertEquals(401, missing.statusCode(), route[1]);
      assertEquals("UNAUTHORIZED", json(missing).getString("code"));
      HttpResponse<String> wrong = relay.http(route[0], route[1], null, KEY + "x");
      assertEquals(401, wrong.statusCode());
      assertEquals("wrong admin key", json(wrong).getString("message"));
    }
  }

  @Test
  void createWithoutBodyGivesAnOriginalStyleToken() {
    HttpResponse<String> r = relay.http("POST", "/api/v1/pair", null, KEY);
    assertEquals(201, r.statusCode());
    JsonObject body = json(r);
    assertTrue(body.getString("token").matches("oc_pair_[0-9a-f]{32}"), body::encode);
    assertEquals(16, body.getString("id").length());
    assertNull(body.getValue("expires_at"));
    assertEquals(30, body.getJsonObject("limits").getInteger("phone_per_min"));
  }

  @Test
  void createWithLabelExpiryAndLimits() {
    JsonObject req = new JsonObject().put("label", "kitchen tablet").put("expires_in_s", 3600)
        .put("limits", new JsonObject().put("daily_bytes", 1000).put("agent_per_min", 10));
    HttpResponse<String> r = relay.http("POST", "/api/v1/pair", req.encode(), KEY);
    assertEquals(201, r.statusCode(), r.body());
    JsonObject body = json(r);
    assertEquals("kitchen tablet", body.getString("label"));
    long expires = Instant.parse(body.getString("expires_at")).toEpochMilli();
    assertTrue(Math.abs(expires - (System.currentTimeMillis() + 3_600_000)) < 60_000);
    JsonObject limits = body.getJsonObject("limits");
    assertEquals(1000L, limits.getLong("daily_bytes"));
    assertEquals(10, limits.getInteger("agent_per_min"));
    assertEquals(30, limits.getInteger("phone_per_min"), "unset limits keep the default");
  }

  @Test
  void badCreateBodiesAre400WithTheFieldNamed() {
    String[][] cases = {
        {"{\"lable\":\"typo\"}", "unknown field: lable"},
        {"{\"expires_in_s\":\"soon\"}", "expires_in_s must be an integer"},
        {"{\"expires_in_s\":-5}", "expires_in_s must be between"},
        {"{\"limits\":{\"daily\":5}}", "unknown field: limits.daily"},
        {"{\"limits\":{\"max_message_bytes\":999999999}}", "max_message_bytes must be between"},
        {"{\"label\":5}", "label must be a string"},
        {"[1]", "body must be a JSON object"},
        {"{nope", "body must be a JSON object"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = relay.http("POST", "/api/v1/pair", c[0], KEY);
      assertEquals(400, r.statusCode(), c[0]);
      assertEquals("INVALID_REQUEST", json(r).getString("code"));
      assertTrue(json(r).getString("message").contains(c[1]), () -> c[0] + " -> " + r.body());
    }
  }

  @Test
  void statusUsageAndListReflectLiveConnections() {
    String token = relay.createToken(new JsonObject().put("label", "listed"));
    assertEquals(new JsonObject().put("phone", false).put("agent", false),
        json(relay.http("GET", "/api/v1/pair/" + token, null, null)));
    try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
      phone.expect("status");
      assertEquals(new JsonObject().put("phone", true).put("agent", true),
          json(relay.http("GET", "/api/v1/pair/" + token, null, null)));
      String m = Envelopes.chat("count me");
      phone.send(m);
      agent.nextRaw();
      JsonObject usage = json(relay.http("GET", "/api/v1/pair/" + token + "/usage", null, null));
      assertEquals(m.length(), usage.getLong("daily_used_bytes"));
      assertEquals(524_288_000L, usage.getLong("daily_quota_bytes"));
      assertEquals(m.length(), usage.getLong("monthly_used_bytes"));
      assertEquals(10_737_418_240L, usage.getLong("monthly_quota_bytes"));
      assertEquals(30, usage.getInteger("phone_per_min"));
      assertEquals(120, usage.getInteger("agent_per_min"));

      JsonArray tokens = json(relay.http("GET", "/api/v1/pair", null, KEY)).getJsonArray("tokens");
      JsonObject row = null;
      for (Object o : tokens) if ("listed".equals(((JsonObject) o).getString("label"))) row = (JsonObject) o;
      assertTrue(row != null, "the new token is listed");
      assertFalse(tokens.encode().contains(token), "lists never show tokens, only ids");
      assertEquals((long) m.length(), row.getJsonObject("usage").getLong("daily_used_bytes"));
      assertTrue(row.getJsonObject("online").getBoolean("phone"));

      JsonObject health = relay.health();
      assertEquals("ok", health.getString("status"));
      assertTrue(health.getJsonObject("connections").getLong("phone") >= 1);
      assertTrue(health.getLong("paired_sessions") >= 1);
      assertTrue(health.getLong("uptime_s") >= 0);
    }
  }

  @Test
  void unknownTokensAre404() {
    String unknown = "oc_pair_ffffffffffffffffffffffffffffffff";
    assertEquals(404, relay.http("GET", "/api/v1/pair/" + unknown, null, null).statusCode());
    assertEquals(404, relay.http("GET", "/api/v1/pair/" + unknown + "/usage", null, null).statusCode());
    assertEquals(404, relay.http("DELETE", "/api/v1/pair/" + unknown, null, KEY).statusCode());
    assertEquals("NOT_FOUND", json(relay.http("GET", "/api/v1/pair/garbage", null, null)).getString("code"));
  }

  @Test
  void revokeByIdWorksForOperatorsWhoNeverSawTheToken() {
    JsonObject created = json(relay.http("POST", "/api/v1/pair", null, KEY));
    String id = created.getString("id");
    assertEquals(204, relay.http("DELETE", "/api/v1/pair/" + id, null, KEY).statusCode());
    assertEquals(404, relay.http("GET", "/api/v1/pair/" + created.getString("token"), null, null).statusCode());
    assertEquals(404, relay.http("DELETE", "/api/v1/pair/" + id, null, KEY).statusCode());
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    HttpResponse<String> r = relay.http("GET", "/nope", null, null);
    assertEquals(404, r.statusCode());
    assertEquals("NOT_FOUND", json(r).getString("code"));
    HttpResponse<String> ws = relay.http("GET", "/ws", null, null);
    assertEquals(426, ws.statusCode());
    assertEquals("UPGRADE_REQUIRED", json(ws).getString("code"));
    HttpResponse<String> big = relay.http("POST", "/api/v1/pair", "{\"label\":\"" + "x".repeat(100_000) + "\"}", KEY);
    assertEquals(413, big.statusCode());
  }

  @Test
  void registrationIsOffByDefault() {
    HttpResponse<String> r = relay.http("POST", "/api/v1/register", null, null);
    assertEquals(403, r.statusCode());
    assertEquals("REGISTRATION_DISABLED", json(r).getString("code"));
  }

  @Test
  void registrationWhenEnabledIsLimitedPerClientIp() {
    try (TestRelay open = TestRelay.start(new JsonObject().put("registration",
        new JsonObject().put("enabled", true).put("per_ip_per_hour", 5)))) {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = open.http("POST", "/api/v1/register", null, null);
        assertEquals(201, r.statusCode(), r.body());
        String token = json(r).getString("token");
        try (WsClient c = WsClient.auth(open.wsUrl(), token, "agent")) {
          c.expectQuiet();
        }
      }
      HttpResponse<String> sixth = open.http("POST", "/api/v1/register", null, null);
      assertEquals(429, sixth.statusCode());
      assertEquals("RATE_LIMITED", json(sixth).getString("code"));
      assertTrue(Long.parseLong(sixth.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }
  }
}
