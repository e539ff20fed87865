package dev.coralmux.relay.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 11, items 12 and 13: wrong admin keys lock an IP out; sessions only as bearer or cookie; JSON posts. */
class AdminSecurityTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static HttpResponse<String> send(TestRelay relay, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.httpUrl() + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) b.headers(headers);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void wrongAdminKeysLockTheClientIpOutEvenForTheRightKeyAndAreLoggedWithoutTheKey() throws Exception {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel() == Level.WARNING && r.getLoggerName().endsWith("AdminAuth")) warnings.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(capture);
    try (TestRelay relay = TestRelay.start(new JsonObject().put("admin", new JsonObject().put("failures_per_ip", 3))
        .put("registration", new JsonObject().put("trusted_proxies", new JsonArray().add("127.0.0.1"))))) {
      String token = relay.createToken();
      String wrong = "not-the-admin-key-" + System.nanoTime();
      String[] fromA = {"X-Forwarded-For", "203.0.113.7"};
      assertEquals(401, send(relay, "POST", "/api/v1/pair", null, "X-Admin-Key", wrong, fromA[0], fromA[1]).statusCode());
      assertEquals(401, send(relay, "GET", "/api/v1/pair", null, "X-Admin-Key", wrong, fromA[0], fromA[1]).statusCode());
      assertEquals(401, send(relay, "DELETE", "/api/v1/pair/" + token, null, "X-Admin-Key", wrong, fromA[0], fromA[1]).statusCode());

      HttpResponse<String> locked = send(relay, "POST", "/api/v1/pair", null, "X-Admin-Key", TestRelay.ADMIN_KEY, fromA[0], fromA[1]);
      assertEquals(429, locked.statusCode(), "locked out, even with the right key: " + locked.body());
      long retry = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retry > 0 && retry <= 600, "Retry-After " + retry);
      assertEquals(429, send(relay, "POST", "/api/v1/admin/session", null, "X-Admin-Key", TestRelay.ADMIN_KEY, fromA[0], fromA[1]).statusCode());
      assertEquals(429, send(relay, "GET", "/metrics", null, "X-Admin-Key", TestRelay.ADMIN_KEY, fromA[0], fromA[1]).statusCode());
      assertEquals(200, send(relay, "GET", "/api/v1/pair", null, "X-Admin-Key", TestRelay.ADMIN_KEY,
          "X-Forwarded-For", "203.0.113.8").statusCode(), "another client is not locked out");

      await().atMost(Duration.ofSeconds(10)).until(() -> warnings.size() == 3);
      for (LogRecord r : warnings) {
        assertTrue(r.getMessage().contains("203.0.113.7"), r.getMessage());
        assertFalse(r.getMessage().contains(wrong) || r.getMessage().contains(token), r.getMessage());
      }
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
  }

  @Test
  void sessionsComeOnlyAsBearerOrCookieAndLogoutEndsTheStreams() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      HttpResponse<String> opened = send(relay, "POST", "/api/v1/admin/session", null, "X-Admin-Key", TestRelay.ADMIN_KEY);
      assertEquals(201, opened.statusCode());
      String session = new JsonObject(opened.body()).getString("session");
      String setCookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(setCookie.startsWith("coralmux_admin=" + session + ";"), setCookie);
      String attrs = setCookie.toLowerCase(); // attribute names are case-insensitive (RFC 6265)
      for (String attr : List.of("; httponly", "; samesite=strict", "; path=/api/v1/admin")) assertTrue(attrs.contains(attr), setCookie);
      assertFalse(attrs.contains("secure"), "plain HTTP: " + setCookie);
      String cookie = "coralmux_admin=" + session;

      assertEquals(401, send(relay, "GET", "/api/v1/pair?session=" + session, null).statusCode(), "never from the URL");
      assertEquals(401, send(relay, "POST", "/api/v1/pair?session=" + session, "{}", "Content-Type", "application/json").statusCode());
      assertEquals(415, send(relay, "POST", "/api/v1/pair?session=" + session, "{}", "Content-Type", "text/plain").statusCode());
      assertEquals(200, send(relay, "GET", "/api/v1/pair", null, "Authorization", "Bearer " + session).statusCode());
      assertEquals(200, send(relay, "GET", "/api/v1/pair", null, "Cookie", cookie).statusCode());

      CompletableFuture<HttpResponse<Stream<String>>> live = stream(relay, "/api/v1/admin/live", cookie);
      CompletableFuture<HttpResponse<Stream<String>>> logs = stream(relay, "/api/v1/admin/logs", cookie);
      List<String> liveLines = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> liveDone = live.thenAccept(r -> {
        assertEquals(200, r.statusCode());
        r.body().forEach(liveLines::add);
      });
      CompletableFuture<Void> logsDone = logs.thenAccept(r -> r.body().forEach(l -> { }));
      await().atMost(Duration.ofSeconds(20)).until(() -> liveLines.contains("event: stats"));

      HttpResponse<String> out = send(relay, "DELETE", "/api/v1/admin/session", null, "Cookie", cookie);
      assertEquals(204, out.statusCode());
      String cleared = out.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cleared.startsWith("coralmux_admin=;") && cleared.toLowerCase().contains("max-age=0"), cleared);
      await().atMost(Duration.ofSeconds(10)).until(() -> liveDone.isDone() && logsDone.isDone());
      assertFalse(liveDone.isCompletedExceptionally());
      assertEquals(401, send(relay, "GET", "/api/v1/pair", null, "Authorization", "Bearer " + session).statusCode());
      assertEquals(401, stream(relay, "/api/v1/admin/live", cookie).get().statusCode(), "the stream does not reopen");
    }
  }

  static CompletableFuture<HttpResponse<Stream<String>>> stream(TestRelay relay, String path, String cookie) {
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(relay.httpUrl() + path)).header("Cookie", cookie).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
  }

  @Test
  void jsonPostsRefuseOtherContentTypes() throws Exception {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("registration", new JsonObject().put("enabled", true)))) {
      String token = relay.createToken();
      String invite = new JsonObject().put("token", token).encode();
      HttpResponse<String> pair = send(relay, "POST", "/api/v1/pair", "{\"label\":\"x\"}", "X-Admin-Key", TestRelay.ADMIN_KEY,
          "Content-Type", "text/plain");
      assertEquals(415, pair.statusCode());
      assertEquals("UNSUPPORTED_MEDIA_TYPE", new JsonObject(pair.body()).getString("code"));
      assertEquals(415, send(relay, "POST", "/api/v1/invite", invite, "Content-Type", "text/plain").statusCode());
      assertEquals(415, send(relay, "POST", "/api/v1/register", "a=b", "Content-Type", "application/x-www-form-urlencoded").statusCode());
      assertEquals(415, send(relay, "POST", "/api/v1/invite/ABCDEF", "", "Content-Type", "multipart/form-data; boundary=x").statusCode());
      assertEquals(415, send(relay, "POST", "/api/v1/invite", invite).statusCode(), "a body without a Content-Type");
      assertEquals(201, send(relay, "POST", "/api/v1/invite", invite, "Content-Type", "application/json; charset=utf-8").statusCode());
      assertEquals(201, send(relay, "POST", "/api/v1/pair", null, "X-Admin-Key", TestRelay.ADMIN_KEY).statusCode(), "no body at all");
      assertEquals(201, send(relay, "POST", "/api/v1/register", null).statusCode());
    }
  }
}
