package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.QuotaProbe;
import dev.coralmux.relay.support.LocalCluster;
import dev.coralmux.relay.support.SseStream;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three relay JVMs, Redis and nginx started by scripts/cluster-up.sh; every client goes through
 * the load balancer (round robin, so a pair's two sides land on different nodes).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancedClusterIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static LocalCluster cluster;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.start();
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) cluster.close();
  }

  static JsonObject http(String base, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("X-Admin-Key", cluster.adminKey).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() < 300, r::body);
    return new JsonObject(r.body());
  }

  static String token(JsonObject limits) throws Exception {
    return http(cluster.lbHttp(), "POST", "/api/v1/pair", new JsonObject().put("limits", limits)).getString("token");
  }

  record Pair(String token, WsClient[] sides) {
    WsClient phone() {
      return sides[0];
    }

    WsClient agent() {
      return sides[1];
    }
  }

  /** Phone then agent, one after the other: round robin puts them on different nodes. */
  static List<Pair> connectPairs(int n) throws Exception {
    JsonObject raised = new JsonObject().put("phone_per_min", 100_000).put("agent_per_min", 100_000);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) tokens.add(token(raised));
    List<Pair> pairs = new ArrayList<>();
    for (String t : tokens) {
      WsClient phone = WsClient.auth(cluster.lbWs(), t, "phone");
      WsClient agent = WsClient.auth(cluster.lbWs(), t, "agent");
      pairs.add(new Pair(t, new WsClient[] {phone, agent}));
    }
    for (Pair p : pairs) assertEquals("online", p.phone().expect("status").getJsonObject("payload").getString("peer"));
    return pairs;
  }

  /** The id of the last peer message each client got: what it resumes from after a reconnect. */
  static final java.util.Map<WsClient, String> lastReceived = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  static JsonObject received(WsClient c, String type) {
    JsonObject m = c.expect(type);
    lastReceived.put(c, m.getString("id"));
    return m;
  }

  /** Each side sends {@code k} messages; each must arrive once, in order. */
  static void exchange(List<Pair> pairs, int k, String round) {
    for (Pair p : pairs) {
      for (int i = 0; i < k; i++) {
        p.phone().send(Envelopes.chat(round + ":" + i));
        p.agent().send(Envelopes.stream(round + ":" + i, i + 1));
      }
    }
    for (Pair p : pairs) {
      for (int i = 0; i < k; i++) {
        assertEquals(round + ":" + i, received(p.agent(), "chat.send").getJsonObject("payload").getString("text"));
        assertEquals(round + ":" + i, received(p.phone(), "chat.stream").getJsonObject("payload").getString("delta"));
      }
    }
  }

  static void closeAll(List<Pair> pairs) {
    for (Pair p : pairs) {
      p.phone().close();
      p.agent().close();
    }
  }

  @Test
  @Order(1)
  void twoHundredPairsAcrossNodesLoseNothing() throws Exception {
    List<Pair> pairs = connectPairs(200);
    long[] perNode = new long[3];
    for (int i = 0; i < 3; i++) perNode[i] = http(cluster.node(i), "GET", "/health", null).getJsonObject("connections").getLong("sockets");
    for (long n : perNode) assertTrue(n >= 100, "connections are spread over the nodes: " + java.util.Arrays.toString(perNode));
    exchange(pairs, 10, "a");
    for (Pair p : pairs) {
      p.phone().expectQuiet();
      p.agent().expectQuiet();
    }
    closeAll(pairs);
  }

  static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.lbHttp() + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) b.headers(headers);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Issue 13's symptom was 401, 401, 200 …: the session lived on the node that opened it. Through
   * the load balancer (round robin), every request of the dashboard must work, whichever node it lands on.
   */
  @Test
  @Order(2)
  void theDashboardWorksThroughTheLoadBalancerOnEveryRequest() throws Exception {
    HttpResponse<String> login = send("POST", "/api/v1/admin/session", "X-Admin-Key", cluster.adminKey);
    assertEquals(201, login.statusCode(), login.body());
    String session = new JsonObject(login.body()).getString("session");
    String cookie = "coralmux_admin=" + session;
    for (int i = 0; i < 6; i++) { // the page's live figures, opened again and again: each node serves some
      try (SseStream live = SseStream.open(cluster.lbHttp() + "/api/v1/admin/live", "Cookie", cookie)) {
        assertEquals(200, live.status, "live figures, request " + i);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !live.data("stats").isEmpty());
      }
    }
    for (int i = 0; i < 6; i++) {
      String id = http(cluster.lbHttp(), "POST", "/api/v1/pair", null).getString("id");
      HttpResponse<String> revoke = send("DELETE", "/api/v1/pair/" + id, "Authorization", "Bearer " + session);
      assertEquals(204, revoke.statusCode(), "revoke " + i + ": " + revoke.body());
    }
    // The log stream, served by one node, shows what happens on all three (each line names its node).
    java.util.Set<String> nodes = new java.util.TreeSet<>();
    for (int i = 0; i < 3; i++) nodes.add(http(cluster.node(i), "GET", "/health", null).getString("node"));
    try (SseStream logs = SseStream.open(cluster.lbHttp() + "/api/v1/admin/logs", "Cookie", cookie)) {
      assertEquals(200, logs.status);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> logs.lines().contains(": connected"));
      java.util.Set<String> seen = new java.util.TreeSet<>();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
        http(cluster.lbHttp(), "POST", "/api/v1/pair", null); // round robin: made on each node in turn
        for (JsonObject l : logs.logLines()) if (l.getString("message", "").contains("created via admin")) seen.add(l.getString("node"));
        return seen.equals(nodes);
      });
    }
    assertEquals(204, send("DELETE", "/api/v1/admin/session", "Authorization", "Bearer " + session).statusCode());
    for (int i = 0; i < 3; i++) {
      assertEquals(401, send("GET", "/api/v1/pair", "Authorization", "Bearer " + session).statusCode(),
          "logged out everywhere, request " + i);
    }
  }

  @Test
  @Order(3)
  void dailyQuotaSpentFromTwoNodesStopsAtTheLimit() throws Exception {
    long quota = 30_000;
    String t = token(new JsonObject().put("daily_bytes", quota).put("phone_per_min", 100_000).put("agent_per_min", 100_000));
    try (WsClient phone = WsClient.auth(cluster.lbWs(), t, "phone");
         WsClient agent = WsClient.auth(cluster.lbWs(), t, "agent")) {
      phone.expect("status");
      String p = Envelopes.chat("x".repeat(1000));
      String a = Envelopes.stream("y".repeat(1000), 1);
      QuotaProbe.Spent spent = QuotaProbe.spend(phone, agent, p, a, 80);
      long delivered = spent.delivered();
      int refused = spent.refused();
      assertTrue(refused > 0);
      assertTrue(delivered <= quota && quota - delivered < p.length(), "delivered " + delivered + " of " + quota);
    }
  }

  @Test
  @Order(4)
  void killingANodeMidTrafficReconnectsItsClientsAndSparesTheOthers() throws Exception {
    List<Pair> pairs = connectPairs(60);
    exchange(pairs, 3, "before");
    long killedAt = System.nanoTime();
    cluster.killNode(2);

    // Clients on the dead node see their socket drop; each pair has at most one such side.
    List<WsClient> dropped = new ArrayList<>();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      dropped.clear();
      for (Pair p : pairs) for (WsClient c : p.sides()) if (c.isClosed()) dropped.add(c);
      return dropped.size() >= 15;
    });
    List<Pair> affected = new ArrayList<>();
    List<Pair> spared = new ArrayList<>();
    for (Pair p : pairs) {
      boolean phoneDown = p.phone().isClosed();
      boolean agentDown = p.agent().isClosed();
      assertTrue(!(phoneDown && agentDown), "round robin never puts both sides on one node");
      (phoneDown || agentDown ? affected : spared).add(p);
    }
    assertTrue(affected.size() >= 15 && spared.size() >= 15, affected.size() + " affected, " + spared.size() + " spared");

    // The surviving side of each affected pair hears "offline"; measure how long that takes.
    long slowestOfflineMs = 0;
    for (Pair p : affected) {
      WsClient survivor = p.phone().isClosed() ? p.agent() : p.phone();
      assertEquals("offline", survivor.expect("status").getJsonObject("payload").getString("peer"));
      slowestOfflineMs = Math.max(slowestOfflineMs, (System.nanoTime() - killedAt) / 1_000_000);
    }
    System.out.println("[measured] kill -9 to last peer told offline: " + slowestOfflineMs + " ms");

    // The dropped clients reconnect through the load balancer and land on the surviving nodes.
    List<Pair> healed = new ArrayList<>();
    for (Pair p : affected) {
      boolean phoneDown = p.phone().isClosed();
      // It resumes from the last message it got, as the SDK does: nothing twice, nothing lost.
      WsClient fresh = WsClient.connect(cluster.lbWs());
      fresh.send(Envelopes.authCaps(p.token(), phoneDown ? "phone" : "agent",
          lastReceived.get(phoneDown ? p.phone() : p.agent()), "resume"));
      assertEquals(0, fresh.expect("auth.ok").getJsonObject("payload").getJsonObject("resume").getInteger("replayed"));
      WsClient survivor = phoneDown ? p.agent() : p.phone();
      assertEquals("online", survivor.expect("status").getJsonObject("payload").getString("peer"));
      healed.add(new Pair(p.token(), phoneDown ? new WsClient[] {fresh, p.agent()} : new WsClient[] {p.phone(), fresh}));
    }
    System.out.println("[measured] kill -9 to every affected pair working again: "
        + (System.nanoTime() - killedAt) / 1_000_000 + " ms");

    // The spared pairs noticed nothing: no status, nothing lost, order kept.
    for (Pair p : spared) {
      p.phone().expectQuiet();
      p.agent().expectQuiet();
    }
    exchange(spared, 3, "after");
    exchange(healed, 3, "after");
    closeAll(spared);
    closeAll(healed);
  }

  @Test
  @Order(5)
  void killMinus9OfThePhonesNodeMidStreamLosesNothingOnceThePhoneResumesElsewhere() throws Exception {
    String t = token(new JsonObject());
    String phoneNode = cluster.node(1).replace("http://", "ws://") + "/ws";
    String survivor = cluster.node(0).replace("http://", "ws://") + "/ws";
    int total = 40;
    List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> got = new ArrayList<>();
    try (WsClient phone = WsClient.connect(phoneNode); WsClient agent = WsClient.connect(survivor)) {
      phone.send(Envelopes.authResume(t, "phone", null));
      phone.expect("auth.ok");
      agent.send(Envelopes.authResume(t, "agent", null));
      agent.expect("auth.ok");
      phone.expect("status");
      Thread streamer = new Thread(() -> {
        for (int i = 1; i <= total; i++) { // an agent streaming a reply, a delta every 50 ms
          String m = Envelopes.stream("delta " + i + " ", i);
          sent.add(m);
          agent.send(m);
          java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
      });
      streamer.start();
      while (got.size() < 8) got.add(phone.nextRaw());
      cluster.killNode(1);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(phone::isClosed);
      while (phone.pending() > 0) got.add(phone.nextRaw()); // what reached the phone before the node died
      String lastId = new JsonObject(got.get(got.size() - 1)).getString("id");
      try (WsClient again = WsClient.connect(survivor)) {
        again.send(Envelopes.authResume(t, "phone", lastId));
        assertTrue(again.expect("auth.ok").getJsonObject("payload").getJsonObject("resume").getBoolean("complete"));
        while (got.size() < total) {
          String raw = again.nextRaw();
          if (new JsonObject(raw).getString("type").equals("chat.stream")) got.add(raw);
        }
        streamer.join(30_000);
        again.expectQuiet();
      }
      assertEquals(sent, got, "every delta exactly once, in order, byte for byte");
    }
  }
}
