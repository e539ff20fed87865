package dev.coralmux.relay.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.admin.SessionIds;
import dev.coralmux.relay.store.Tokens;
import dev.coralmux.relay.support.RedisServer;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.SseStream;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 13: the operator's side of a cluster is one relay, not three. Dashboard sessions, the log
 * stream and the per-IP limits, each exercised over three clustered nodes in this JVM and a real
 * Redis. Each per-IP test speaks for its own client address (X-Forwarded-For from a trusted proxy).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAdminTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final String KEY = TestRelay.ADMIN_KEY;
  static RedisServer redis;
  static final List<TestRelay> nodes = new ArrayList<>();

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    int[] hz = {RelayProcess.freePort(), RelayProcess.freePort(), RelayProcess.freePort()};
    JsonObject conf = new JsonObject().put("event_loops", 1)
        .put("admin", new JsonObject().put("failures_per_ip", 3))
        .put("invite", new JsonObject().put("failures_per_ip", 6).put("creations_per_ip_per_hour", 4))
        .put("registration", new JsonObject().put("enabled", true).put("per_ip_per_hour", 4)
            .put("trusted_proxies", new JsonArray().add("127.0.0.1")));
    for (int port : hz) nodes.add(TestRelay.startClustered(conf, redis, port, hz));
  }

  @AfterAll
  static void stop() throws Exception {
    for (TestRelay n : nodes) n.close();
    if (redis != null) redis.close();
  }

  static TestRelay node(int i) {
    return nodes.get(i);
  }

  static HttpResponse<String> send(TestRelay relay, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.httpUrl() + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) b.headers(headers);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One Redis command, straight to the server. */
  static Response redis(String... args) throws Exception {
    Redis client = Redis.createClient(node(0).server().vertx(), redis.url());
    try {
      Request r = Request.cmd(Command.create(args[0]));
      for (int i = 1; i < args.length; i++) r.arg(args[i]);
      return client.send(r).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  @Order(1)
  void aSessionOpenedOnOneNodeWorksOnEveryNodeAndALogoutOnAnotherEndsItEverywhere() throws Exception {
    HttpResponse<String> opened = send(node(0), "POST", "/api/v1/admin/session", null, "X-Admin-Key", KEY);
    assertEquals(201, opened.statusCode(), opened.body());
    String session = new JsonObject(opened.body()).getString("session");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, send(node(i), "GET", "/api/v1/pair", null, "Authorization", "Bearer " + session).statusCode(),
          "node " + i);
    }
    // Redis holds the session's hash, never the session id itself.
    List<String> members = new ArrayList<>();
    for (Response m : redis("ZRANGE", RedisKeys.ADMIN_SESSIONS, "0", "-1")) members.add(m.toString());
    assertTrue(members.contains(SessionIds.hash(session)), members::toString);
    for (Response k : redis("KEYS", "*")) assertFalse(k.toString().contains(session), k.toString());
    assertFalse(members.contains(session));

    String cookie = "coralmux_admin=" + session;
    try (SseStream live = SseStream.open(node(0).httpUrl() + "/api/v1/admin/live", "Cookie", cookie);
         SseStream logs = SseStream.open(node(2).httpUrl() + "/api/v1/admin/logs", "Cookie", cookie)) {
      assertEquals(200, live.status);
      assertEquals(200, logs.status);
      await().atMost(Duration.ofSeconds(20)).until(() -> !live.data("stats").isEmpty());
      assertEquals(204, send(node(1), "DELETE", "/api/v1/admin/session", null, "Authorization", "Bearer " + session).statusCode());
      await().atMost(Duration.ofSeconds(15)).until(() -> live.ended() && logs.ended());
      assertEquals(1, live.data("end").size(), "told why: " + live.lines());
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(401, send(node(i), "GET", "/api/v1/pair", null, "Authorization", "Bearer " + session).statusCode(),
          "node " + i);
    }
  }

  @Test
  @Order(2)
  void anExpiredSessionEndsItsStreamsOnEveryNode() throws Exception {
    String session = new JsonObject(send(node(1), "POST", "/api/v1/admin/session", null, "X-Admin-Key", KEY).body())
        .getString("session");
    try (SseStream live = SseStream.open(node(2).httpUrl() + "/api/v1/admin/live", "Cookie", "coralmux_admin=" + session)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !live.data("stats").isEmpty());
      // Fifteen minutes pass for this session: its expiry, on Redis's clock, is now in the past.
      redis("ZADD", RedisKeys.ADMIN_SESSIONS, "XX", "1", SessionIds.hash(session));
      await().atMost(Duration.ofSeconds(15)).until(live::ended);
      assertEquals(1, live.data("end").size());
    }
    assertEquals(401, send(node(0), "GET", "/api/v1/pair", null, "Authorization", "Bearer " + session).statusCode());
  }

  @Test
  @Order(3)
  void theLogStreamOfOneNodeShowsEveryNodesEventsEachWithItsNode() throws Exception {
    List<String> tokens = new ArrayList<>();
    try (SseStream logs = SseStream.open(node(0).httpUrl() + "/api/v1/admin/logs", "X-Admin-Key", KEY)) {
      assertEquals(200, logs.status);
      await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().contains(": connected"));
      // Tokens made on node 3: their creation is logged there, and streamed here with node 3's id.
      List<String> madeOn3 = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
        JsonObject made = new JsonObject(node(2).http("POST", "/api/v1/pair", null, KEY).body());
        tokens.add(made.getString("token"));
        madeOn3.add(made.getString("id"));
        return madeOn3.stream().anyMatch(id -> !linesAbout(logs, "token " + id + " created").isEmpty());
      });
      // A phone connecting to node 2 shows up too, with node 2's id.
      String token = node(0).createToken();
      tokens.add(token);
      try (WsClient phone = WsClient.auth(node(1).wsUrl(), token, "phone")) {
        String id = Tokens.idOf(Tokens.hash(token));
        await().atMost(Duration.ofSeconds(20)).until(() -> !linesAbout(logs, "phone connected for token " + id).isEmpty());
        assertEquals(List.of(node(1).server().nodeId()), nodesOf(linesAbout(logs, "phone connected for token " + id)));
      }
      // Each streamed once, named by the node where it happened (never by the node serving the stream).
      for (String id : madeOn3) {
        List<String> named = nodesOf(linesAbout(logs, "token " + id + " created"));
        assertTrue(named.isEmpty() || named.equals(List.of(node(2).server().nodeId())), id + " from " + named);
      }
      for (JsonObject line : logs.logLines()) {
        assertTrue(line.containsKey("ts") && line.containsKey("level") && line.containsKey("node"), line::encode);
        for (String t : tokens) assertFalse(line.encode().contains(t), "a whole token in " + line.encode());
      }
    }
  }

  private static List<JsonObject> linesAbout(SseStream logs, String text) {
    return logs.logLines().stream().filter(l -> l.getString("message", "").contains(text)).toList();
  }

  private static List<String> nodesOf(List<JsonObject> lines) {
    return lines.stream().map(l -> l.getString("node")).toList();
  }

  /** Sends {@code n} requests spread over the nodes in turn; returns their statuses. */
  static List<Integer> spread(int n, String method, String path, String body, String... headers) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < n; i++) statuses.add(send(node(i % 3), method, path, body, headers).statusCode());
    return statuses;
  }

  /** The next request from that client is refused (429, with Retry-After) on every node. */
  static void refusedEverywhere(String method, String path, String body, String... headers) throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = send(node(i), method, path, body, headers);
      assertEquals(429, r.statusCode(), "node " + i + ": " + r.body().substring(0, Math.min(200, r.body().length())));
      assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }
  }

  @Test
  @Order(4)
  void wrongInviteCodesAreCountedPerClientIpOverTheWholeCluster() throws Exception {
    String[] from = {"X-Forwarded-For", "198.51.100.11"};
    assertEquals(List.of(404, 404, 404, 404, 404, 404), spread(6, "POST", "/api/v1/invite/AAAAAA", null, from));
    refusedEverywhere("POST", "/api/v1/invite/AAAAAA", null, from);
    assertEquals(List.of(404, 404, 404), spread(3, "POST", "/api/v1/invite/AAAAAA", null, "X-Forwarded-For", "198.51.100.12"),
        "another client is not refused");
  }

  @Test
  @Order(5)
  void registrationsAreCountedPerClientIpOverTheWholeCluster() throws Exception {
    String[] from = {"X-Forwarded-For", "198.51.100.21"};
    assertEquals(List.of(201, 201, 201, 201), spread(4, "POST", "/api/v1/register", null, from));
    refusedEverywhere("POST", "/api/v1/register", null, from);
  }

  @Test
  @Order(6)
  void wrongAdminKeysLockTheClientIpOutOfEveryNode() throws Exception {
    assertEquals(List.of(401, 401, 401), spread(3, "GET", "/api/v1/pair", null, "X-Admin-Key", "wrong-key",
        "X-Forwarded-For", "198.51.100.31"));
    refusedEverywhere("GET", "/api/v1/pair", null, "X-Admin-Key", KEY, "X-Forwarded-For", "198.51.100.31");
  }

  @Test
  @Order(7)
  void inviteCreationsAreCountedPerClientIpOverTheWholeCluster() throws Exception {
    String[] headers = {"Content-Type", "application/json", "X-Forwarded-For", "198.51.100.41"};
    String body = new JsonObject().put("token", "not-a-token").encode();
    assertEquals(List.of(400, 400, 400, 400), spread(4, "POST", "/api/v1/invite", body, headers));
    refusedEverywhere("POST", "/api/v1/invite", body, headers);
  }

  @Test
  @Order(8)
  void withoutRedisEachNodeLimitsOnItsOwnCountsNeverOpenAndSaysSoOnce() throws Exception {
    List<LogRecord> said = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        said.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(RedisWindowLimiters.class.getName());
    logger.addHandler(capture);
    try {
      String[] wrong = {"X-Admin-Key", "wrong-key", "X-Forwarded-For", "198.51.100.51"};
      redis.pause();
      try {
        for (int i = 0; i < 3; i++) assertEquals(401, send(node(0), "GET", "/api/v1/pair", null, wrong).statusCode());
        assertEquals(429, send(node(0), "GET", "/api/v1/pair", null, "X-Admin-Key", KEY, "X-Forwarded-For", "198.51.100.51")
            .statusCode(), "the node's own counts decide: the limit holds");
        assertTrue(node(0).health().getLong("ip_limits_decided_locally") >= 4);
      } finally {
        redis.resume();
      }
      // Back to shared counts, and told once each way.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
        send(node(0), "GET", "/api/v1/pair", null, "X-Admin-Key", KEY, "X-Forwarded-For", "198.51.100.52");
        return said.stream().anyMatch(r -> r.getLevel() == Level.INFO);
      });
      assertEquals(1, said.stream().filter(r -> r.getLevel() == Level.WARNING).count(), said.toString());
      assertEquals(1, said.stream().filter(r -> r.getLevel() == Level.INFO).count());
    } finally {
      logger.removeHandler(capture);
    }
  }
}
