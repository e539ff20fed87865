package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.invite.InviteCodes;
import dev.coralmux.relay.invite.InviteKeys;
import dev.coralmux.relay.invite.LocalInviteStore;
import dev.coralmux.relay.support.QrImages;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Invite codes (single use, expiring, brute force hopeless) and QR pairing links (decoded back). */
class InviteAndQrTest {

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  @Test
  void anInviteCodeGivesTheTokenOnceAndOnlyToWhoeverTypesIt() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      HttpResponse<String> created = relay.http("POST", "/api/v1/invite", new JsonObject().put("token", token).encode(), null);
      assertEquals(201, created.statusCode(), created.body());
      String code = json(created).getString("code");
      assertEquals(6, code.length());
      assertTrue(code.chars().allMatch(c -> InviteCodes.ALPHABET.indexOf(c) >= 0), code);
      long expires = Instant.parse(json(created).getString("expires_at")).toEpochMilli();
      assertTrue(Math.abs(expires - System.currentTimeMillis() - 1_800_000) < 60_000, "30 minutes by default");

      String typed = code.substring(0, 3).toLowerCase() + "-" + code.substring(3); // as people type it
      HttpResponse<String> redeemed = relay.http("POST", "/api/v1/invite/" + typed, null, null);
      assertEquals(200, redeemed.statusCode(), redeemed.body());
      assertEquals(token, json(redeemed).getString("token"));
      assertEquals(404, relay.http("POST", "/api/v1/invite/" + code, null, null).statusCode(), "single use");

      assertEquals(404, relay.http("POST", "/api/v1/invite",
          new JsonObject().put("token", "oc_pair_ffffffffffffffffffffffffffffffff").encode(), null).statusCode());
      assertEquals(400, relay.http("POST", "/api/v1/invite", "{\"nope\":1}", null).statusCode());
    }
  }

  @Test
  void wrongGuessesAreLimitedPerClientAndCounted() {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("invite", new JsonObject().put("failures_per_ip", 3)))) {
      String token = relay.createToken();
      String code = json(relay.http("POST", "/api/v1/invite", new JsonObject().put("token", token).encode(), null)).getString("code");
      String wrong = code.equals("AAAAAA") ? "BBBBBB" : "AAAAAA";
      for (int i = 0; i < 3; i++) assertEquals(404, relay.http("POST", "/api/v1/invite/" + wrong, null, null).statusCode());
      HttpResponse<String> blocked = relay.http("POST", "/api/v1/invite/" + code, null, null);
      assertEquals(429, blocked.statusCode(), "past the limit even the right code is refused");
      assertTrue(Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow()) > 0);
      String metrics = relay.http("GET", "/metrics", null, TestRelay.ADMIN_KEY).body();
      assertTrue(metrics.contains("coralmux_invite_failures_total 3.0"), metrics.lines().filter(l -> l.contains("invite")).toList().toString());
    }
  }

  @Test
  void invitesExpireAndTheStoreHoldsNeitherCodeNorToken() {
    LocalInviteStore store = new LocalInviteStore();
    InviteKeys keys = new InviteKeys(new byte[32]);
    String token = "oc_pair_0123456789abcdef0123456789abcdef";
    String code = InviteCodes.generate();
    String sealed = keys.seal(code, token);
    assertFalse(sealed.contains(token) || sealed.contains(code));
    assertNull(keys.open(InviteCodes.generate().equals(code) ? "ZZZZZZ" : InviteCodes.generate(), sealed));
    assertEquals(token, keys.open(code, sealed));
    assertNull(new InviteKeys(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
        23, 24, 25, 26, 27, 28, 29, 30, 31, 32}).open(code, sealed), "another secret does not open it");
    store.put("tokenhash", keys.hash(code), sealed, 0, 5);
    assertNull(store.take(keys.hash(code)).result(), "expired");
  }

  @Test
  void qrCodesDecodeToThePairingLink() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(relay.httpUrl() + "/api/v1/pair/" + token + "/qr.png")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, png.statusCode());
      assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
      String decoded = QrImages.decode(png.body());
      assertEquals(PairingLink.of("ws://127.0.0.1:" + relay.port() + "/ws", token), decoded);
      HttpResponse<String> svg = relay.http("GET", "/api/v1/pair/" + token + "/qr.svg", null, null);
      assertTrue(svg.body().startsWith("<svg") && svg.body().contains("<path"), svg.body());
      assertEquals(404, relay.http("GET", "/api/v1/pair/oc_pair_ffffffffffffffffffffffffffffffff/qr.svg", null, null).statusCode());
      assertTrue(PairingLink.terminal(decoded).lines().count() > 10, "terminal QR for token create --qr");
    }
    try (TestRelay behindProxy = TestRelay.start(new JsonObject().put("public_url", "https://relay.example.com"))) {
      String token = behindProxy.createToken();
      HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(behindProxy.httpUrl() + "/api/v1/pair/" + token + "/qr.png")).build(), HttpResponse.BodyHandlers.ofByteArray());
      String decoded = QrImages.decode(png.body());
      assertEquals(PairingLink.of("wss://relay.example.com/ws", token), decoded);
      // For any phone camera: the relay's browser phone, over https, the token in the fragment.
      HttpResponse<byte[]> chatQr = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(behindProxy.httpUrl() + "/api/v1/pair/" + token + "/qr.png?for=chat")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      String chat = QrImages.decode(chatQr.body());
      assertEquals("https://relay.example.com/chat#token=" + token, chat);
      assertEquals(chat, new JsonObject(behindProxy.http("GET", "/api/v1/pair/" + token + "/link", null, null).body())
          .getString("chat"));
    }
  }

  @Test
  void statsArePublicAndAggregate() {
    try (TestRelay relay = TestRelay.start()) {
      JsonObject stats = json(relay.http("GET", "/api/stats", null, null));
      for (String key : new String[] {"connections", "paired_sessions", "messages_per_s", "bytes_per_s", "nodes", "uptime_s"}) {
        assertTrue(stats.containsKey(key), key);
      }
      assertEquals(1, stats.getInteger("nodes"));
      assertFalse(stats.encode().contains("oc_pair_"));
    }
  }
}
