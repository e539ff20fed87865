package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.config.ClusterConfig;
import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.ConfigLoader;
import dev.coralmux.relay.invite.InviteKeys;
import dev.coralmux.relay.invite.LocalInviteStore;
import dev.coralmux.relay.server.RelayServer;
import dev.coralmux.relay.store.Tokens;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11, item 5: invites limited per token and per client IP, and keyed with a server secret. */
class InviteLimitsTest {

  static HttpResponse<String> invite(TestRelay relay, String token) {
    return relay.http("POST", "/api/v1/invite", new JsonObject().put("token", token).encode(), null);
  }

  @Test
  void aTokensNewestInvitesReplaceItsOldestAndOtherTokensStillGetInvites() {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("invite", new JsonObject()
        .put("max_live_per_token", 5).put("creations_per_ip_per_hour", 1_000)))) {
      String a = relay.createToken();
      String b = relay.createToken();
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        HttpResponse<String> r = invite(relay, a);
        assertEquals(201, r.statusCode(), r.body());
        codes.add(new JsonObject(r.body()).getString("code"));
      }
      HttpResponse<String> other = invite(relay, b);
      assertEquals(201, other.statusCode(), "token A never denies invites to token B: " + other.body());
      for (int i = 0; i < 3; i++) {
        assertEquals(404, relay.http("POST", "/api/v1/invite/" + codes.get(i), null, null).statusCode(), "replaced: " + i);
      }
      for (int i = 3; i < 8; i++) {
        HttpResponse<String> r = relay.http("POST", "/api/v1/invite/" + codes.get(i), null, null);
        assertEquals(200, r.statusCode(), "the newest five are live: " + i);
        assertEquals(a, new JsonObject(r.body()).getString("token"));
      }
      String codeB = new JsonObject(other.body()).getString("code");
      assertEquals(b, new JsonObject(relay.http("POST", "/api/v1/invite/" + codeB, null, null).body()).getString("token"));
    }
  }

  @Test
  void oneTokenCannotFillTheStoreForTheOthers() {
    // The review's case: one token created 100,005 invites and every token then got 503.
    LocalInviteStore store = new LocalInviteStore();
    for (int i = 0; i < 100_005; i++) assertTrue(store.put("token-a", "code-a-" + i, "sealed", 60_000, 5).succeeded());
    assertEquals(5, store.size());
    assertTrue(store.put("token-b", "code-b", "sealed", 60_000, 5).succeeded(), "token B still gets an invite");
    assertEquals("sealed", store.take("code-a-100004").result());
    assertEquals(null, store.take("code-a-0").result());
  }

  @Test
  void invitesPerClientIpPerHourThen429WithRetryAfter() {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("invite", new JsonObject().put("creations_per_ip_per_hour", 3)))) {
      String token = relay.createToken();
      for (int i = 0; i < 3; i++) assertEquals(201, invite(relay, token).statusCode());
      HttpResponse<String> refused = invite(relay, token);
      assertEquals(429, refused.statusCode(), refused.body());
      assertEquals("RATE_LIMITED", new JsonObject(refused.body()).getString("code"));
      long retry = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retry > 0 && retry <= 3600, "Retry-After " + retry);
    }
  }

  @Test
  void storedCodeHashIsKeyedWithAServerSecretAndRedemptionSurvivesARestart() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-invite");
    String token;
    String code;
    try (TestRelay relay = TestRelay.startOn(dir, new JsonObject())) {
      token = relay.createToken();
      code = new JsonObject(invite(relay, token).body()).getString("code");
    }
    Path secretFile = dir.resolve("invite.secret");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
    String secret = Files.readString(secretFile).trim();
    assertTrue(secret.matches("[0-9a-f]{64}"), "32 random bytes, hex");
    String stored = Files.readString(dir.resolve("invites.json"));
    String sha = HexFormat.of().formatHex(Tokens.sha256(code.getBytes(StandardCharsets.UTF_8)));
    String oldSha = HexFormat.of().formatHex(Tokens.sha256(("coralmux-invite-id:" + code).getBytes(StandardCharsets.UTF_8)));
    assertFalse(stored.contains(sha) || stored.contains(oldSha), "not a plain SHA-256 of the code");
    String hmac = new InviteKeys(secret.getBytes(StandardCharsets.UTF_8)).hash(code);
    assertTrue(stored.contains(hmac), "HMAC-SHA256(secret, code): " + stored);
    assertFalse(stored.contains(token) || stored.contains(code));

    try (TestRelay again = TestRelay.startOn(dir, new JsonObject())) {
      HttpResponse<String> redeemed = again.http("POST", "/api/v1/invite/" + code, null, null);
      assertEquals(200, redeemed.statusCode(), redeemed.body());
      assertEquals(token, new JsonObject(redeemed.body()).getString("token"));
    }
    try (TestRelay third = TestRelay.startOn(dir, new JsonObject())) {
      assertEquals(404, third.http("POST", "/api/v1/invite/" + code, null, null).statusCode(), "still single use");
    }
  }

  @Test
  void clusterModeNeedsAnInviteSecretAndShortOnesAreRefused() {
    var config = ConfigLoader.fromJson(new JsonObject().put("admin_key", TestRelay.ADMIN_KEY).put("port", 0), Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> RelayServer.start(config,
        ClusterConfig.fromJson(new JsonObject().put("enabled", true), Map.of()), new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("invite.secret") && e.getMessage().contains("RELAY_INVITE_SECRET"), e.getMessage());
    ConfigException shortOne = assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(new JsonObject(),
        Map.of("RELAY_INVITE_SECRET", "too-short")));
    assertTrue(shortOne.getMessage().contains("invite.secret: must be at least 32"), shortOne.getMessage());
  }
}
