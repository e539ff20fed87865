package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.DroppedPhone;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RawWebSocket;
import dev.coralmux.relay.support.QuotaProbe;
import dev.coralmux.relay.support.RedisServer;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three clustered nodes in this JVM (each its own Vert.x and Hazelcast member) and a real Redis:
 * each invariant of DESIGN.md with the two sides of a pair on different nodes.
 */
class ClusterTest {
  static RedisServer redis;
  static final List<TestRelay> nodes = new ArrayList<>();

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    int[] hz = {RelayProcess.freePort(), RelayProcess.freePort(), RelayProcess.freePort()};
    JsonObject conf = new JsonObject().put("event_loops", 1);
    for (int port : hz) nodes.add(TestRelay.startClustered(conf, redis, port, hz));
    for (TestRelay n : nodes) assertEquals("cluster", n.health().getString("mode"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (TestRelay n : nodes) n.close();
    if (redis != null) redis.close();
  }

  static TestRelay node(int i) {
    return nodes.get(i);
  }

  @Test
  void tokensMadeOnOneNodeWorkOnEveryNodeAndPairsSpanNodes() {
    String token = node(0).createToken();
    WsClient phone = WsClient.auth(node(1).wsUrl(), token, "phone");
    WsClient agent = WsClient.connect(node(2).wsUrl());
    agent.send(Envelopes.auth(token, "agent"));
    assertTrue(agent.expect("auth.ok").getJsonObject("payload").getBoolean("paired"));
    assertEquals("online", phone.expect("status").getJsonObject("payload").getString("peer"));
    assertEquals(new JsonObject().put("phone", true).put("agent", true),
        new JsonObject(node(0).http("GET", "/api/v1/pair/" + token, null, null).body()));
    phone.close();
    assertEquals("offline", agent.expect("status").getJsonObject("payload").getString("peer"));
    agent.expectQuiet();
    agent.close();
  }

  @Test
  void statsAndTheDashboardSeeTheWholeCluster() {
    String token = node(0).createToken();
    try (WsClient phone = WsClient.auth(node(0).wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(node(1).wsUrl(), token, "agent")) {
      phone.expect("status");
      // Node 3 holds neither side, yet counts both: every node publishes its figures to all.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
        JsonObject stats = new JsonObject(node(2).http("GET", "/api/stats", null, null).body());
        return stats.getLong("connections") >= 2 && stats.getInteger("nodes") == 3;
      });
    }
  }

  @Test
  void orderIsKeptPerDirectionAcrossNodesWithoutDuplicates() {
    String token = node(0).createToken(new JsonObject().put("limits",
        new JsonObject().put("phone_per_min", 100_000).put("agent_per_min", 100_000)));
    try (WsClient phone = WsClient.auth(node(0).wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(node(1).wsUrl(), token, "agent")) {
      phone.expect("status");
      int n = 300;
      for (int i = 0; i < n; i++) {
        phone.send(Envelopes.chat("p" + i));
        agent.send(Envelopes.stream("a" + i, i + 1));
      }
      for (int i = 0; i < n; i++) {
        assertEquals("p" + i, agent.next().getJsonObject("payload").getString("text"));
        assertEquals("a" + i, phone.next().getJsonObject("payload").getString("delta"));
      }
      phone.expectQuiet();
      agent.expectQuiet();
    }
  }

  @Test
  void aMessageSentTheInstantThePeersAuthOkArrivesIsDeliveredAcrossNodes() {
    // The "online" notice crosses the event bus; the message may overtake it. The directory (Redis)
    // is the truth, so the message is delivered, never refused PEER_OFFLINE. Many trials: a race.
    for (int trial = 0; trial < 20; trial++) {
      String token = node(0).createToken();
      try (WsClient phone = WsClient.auth(node(trial % 3).wsUrl(), token, "phone");
           WsClient agent = WsClient.connect(node((trial + 1) % 3).wsUrl())) {
        agent.send(Envelopes.auth(token, "agent"));
        agent.expect("auth.ok");
        String m = Envelopes.chat("right away " + trial);
        phone.send(m);
        assertEquals("status", phone.next().getString("type"), "trial " + trial + ": the online status, not an error");
        assertEquals(m, agent.nextRaw(), "trial " + trial);
      }
    }
  }

  @Test
  void aPhoneDroppedWithoutCloseThatReconnectsToAnotherNodeGetsEveryMessageOnceInOrder() throws Exception {
    // Phone on node 1 behind a network that goes silent, agent on node 2, phone back on node 3.
    DroppedPhone.run(node(0).createToken(), node(0).port(), node(1).wsUrl(), node(2).wsUrl(), 40);
  }

  @Test
  void storedOnOneNodeReplayedOnAnotherAndAResendAcrossNodesIsNotDeliveredTwice() {
    String token = node(0).createToken();
    List<String> sent = new ArrayList<>();
    try (WsClient agent = WsClient.connect(node(0).wsUrl())) {
      agent.send(Envelopes.authResume(token, "agent", null));
      agent.expect("auth.ok");
      for (int i = 0; i < 3; i++) {
        sent.add(Envelopes.of("chat.done", new JsonObject().put("text", "offline " + i)));
        agent.send(sent.get(i));
        assertEquals("stored", agent.expect("ack").getJsonObject("payload").getString("state"));
      }
    }
    try (WsClient phone = WsClient.connect(node(1).wsUrl())) {
      phone.send(Envelopes.authResume(token, "phone", null));
      JsonObject resume = phone.expect("auth.ok").getJsonObject("payload").getJsonObject("resume");
      assertEquals(new JsonObject().put("replayed", 3).put("complete", true), resume);
      for (String m : sent) assertEquals(m, phone.nextRaw());
      // The agent comes back on a third node and resends what it has no "delivered" ack for.
      try (WsClient agent = WsClient.connect(node(2).wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        agent.expect("auth.ok");
        agent.send(sent.get(2));
        assertEquals(new JsonObject(sent.get(2)).getString("id"),
            agent.expect("ack").getJsonObject("payload").getString("ref_id"));
        phone.expect("status");
        phone.expectQuiet(); // not a second copy
      }
    }
  }

  @Test
  void aV1ClientThatReconnectsAtOnceToAnotherNodeGetsNothingTwice() {
    // Its "delivered up to" cursor is written when its connection closes, not with the next batch.
    String token = node(0).createToken();
    try (WsClient agent = WsClient.auth(node(0).wsUrl(), token, "agent")) {
      for (int round = 0; round < 5; round++) {
        try (WsClient phone = WsClient.auth(node(1 + round % 2).wsUrl(), token, "phone")) {
          agent.expect("status");
          String m = Envelopes.stream("round " + round, 1);
          agent.send(m);
          assertEquals(m, phone.nextRaw());
          phone.expectQuiet();
        }
        assertEquals("offline", agent.expect("status").getJsonObject("payload").getString("peer"));
      }
    }
  }

  @Test
  void pairedSessionsAreCountedClusterWide() {
    // Earlier tests close their clients; their pairs leave the figures within a publish or two.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
        node(0).health().getLong("paired_sessions") == 0);
    long before = 0;
    String a = node(0).createToken();
    String b = node(0).createToken();
    try (WsClient phoneA = WsClient.auth(node(0).wsUrl(), a, "phone");
         WsClient agentA = WsClient.auth(node(1).wsUrl(), a, "agent");
         WsClient phoneB = WsClient.auth(node(2).wsUrl(), b, "phone")) {
      phoneA.expect("status");
      WsClient agentB = WsClient.auth(node(0).wsUrl(), b, "agent");
      phoneB.expect("status");
      for (int i = 0; i < 3; i++) { // every node sees the whole cluster's figure, /health and /api/stats alike
        TestRelay n = node(i);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
          assertEquals(before + 2, n.health().getLong("paired_sessions"));
          assertEquals(before + 2, new JsonObject(n.http("GET", "/api/stats", null, null).body()).getLong("paired_sessions"));
        });
      }
      agentB.close();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
          assertEquals(before + 1, node(1).health().getLong("paired_sessions")));
    }
  }

  @Test
  void takeoverAcrossNodesFencesTheOldConnection() throws Exception {
    String token = node(0).createToken();
    WsClient agent = WsClient.auth(node(0).wsUrl(), token, "agent");
    // The old phone never answers the close frame and keeps reading: anything still sent to it is seen.
    RawWebSocket phone1 = new RawWebSocket(node(1).port());
    phone1.sendText(Envelopes.auth(token, "phone"));
    assertEquals(0x1, phone1.read().opcode()); // auth.ok
    agent.expect("status");
    WsClient phone2 = WsClient.auth(node(2).wsUrl(), token, "phone");
    assertEquals(4409, phone1.read().closeCode());
    assertTrue(agent.expect("status").getJsonObject("payload").getBoolean("replaced"), "the agent is told of the takeover");
    // The agent may still address the fenced connection until it hears of the new one: such a
    // message is bounced to it (never delivered to the old phone), and a retry reaches the new one.
    String m = Envelopes.stream("to the phone on node 3", 1);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
      agent.send(m);
      agent.send(Envelopes.ping());
      JsonObject reply = agent.next();
      if (reply.getString("type").equals("chat.error")) {
        assertEquals("PEER_OFFLINE", reply.getJsonObject("payload").getString("code"));
        agent.expect("pong");
        return false;
      }
      assertEquals("pong", reply.getString("type"));
      return true;
    });
    assertEquals(m, phone2.nextRaw());
    phone2.expectQuiet(); // exactly once
    agent.expectQuiet(); // no offline for a takeover
    for (RawWebSocket.Frame f : phone1.readUntilCut()) {
      assertEquals(0x9, f.opcode(), "the fenced connection receives nothing but pings after its close frame");
    }
    phone1.close();
    agent.close();
    phone2.close();
  }

  @Test
  void peerOfflineWhenThePeerIsNowhereAndTokensAreIsolated() {
    String a = node(0).createToken();
    String b = node(1).createToken();
    try (WsClient phoneA = WsClient.auth(node(0).wsUrl(), a, "phone");
         WsClient agentB = WsClient.auth(node(2).wsUrl(), b, "agent");
         WsClient phoneB = WsClient.auth(node(1).wsUrl(), b, "phone")) {
      phoneA.send(Envelopes.chat("anyone?"));
      phoneA.expectError("PEER_OFFLINE");
      agentB.expect("status");
      String m = Envelopes.chat("for B");
      phoneB.send(m);
      assertEquals(m, agentB.nextRaw());
      phoneA.expectQuiet();
    }
  }

  @Test
  void revokingOnOneNodeClosesSocketsOnOthers() {
    String token = node(0).createToken();
    WsClient phone = WsClient.auth(node(1).wsUrl(), token, "phone");
    WsClient agent = WsClient.auth(node(2).wsUrl(), token, "agent");
    phone.expect("status");
    assertEquals(204, node(0).http("DELETE", "/api/v1/pair/" + token, null, TestRelay.ADMIN_KEY).statusCode());
    assertEquals(4401, phone.awaitClose());
    assertEquals(4401, agent.awaitClose());
    try (WsClient again = WsClient.connect(node(2).wsUrl())) {
      again.send(Envelopes.auth(token, "agent"));
      again.expect("auth.fail");
    }
  }

  @Test
  void rateLimitHoldsWhenReconnectingToAnotherNode() {
    String token = node(0).createToken(new JsonObject().put("limits", new JsonObject().put("phone_per_min", 4)));
    try (WsClient agent = WsClient.auth(node(2).wsUrl(), token, "agent")) {
      try (WsClient phone = WsClient.auth(node(0).wsUrl(), token, "phone")) {
        for (int i = 0; i < 2; i++) {
          phone.send(Envelopes.chat("n0-" + i));
          agent.expect(i == 0 ? "status" : "chat.send");
        }
      }
      try (WsClient phone = WsClient.auth(node(1).wsUrl(), token, "phone")) {
        for (int i = 0; i < 2; i++) phone.send(Envelopes.chat("n1-" + i));
        phone.send(Envelopes.chat("one too many"));
        phone.expectError("RATE_LIMITED");
      }
    }
  }

  @Test
  void oneQuotaSpentConcurrentlyFromTwoNodesNeverOvershoots() throws Exception {
    // Both sides burst at once from different nodes, without waiting for answers: a check that
    // read the counter and wrote it back in two steps would let both nodes spend the same bytes.
    long quota = 30_000;
    int each = 40;
    String token = node(0).createToken(new JsonObject().put("limits", new JsonObject().put("daily_bytes", quota)
        .put("phone_per_min", 100_000).put("agent_per_min", 100_000)));
    try (WsClient phone = WsClient.auth(node(0).wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(node(1).wsUrl(), token, "agent")) {
      phone.expect("status");
      String p = Envelopes.chat("x".repeat(900));
      String a = Envelopes.stream("y".repeat(900), 1);
      Thread phoneBurst = new Thread(() -> { for (int i = 0; i < each; i++) phone.send(Envelopes.fresh(p)); });
      Thread agentBurst = new Thread(() -> { for (int i = 0; i < each; i++) agent.send(Envelopes.fresh(a)); });
      phoneBurst.start();
      agentBurst.start();
      phoneBurst.join();
      agentBurst.join();
      int[] phoneGot = new int[2]; // {deliveries from the agent, refusals of its own}
      int[] agentGot = new int[2];
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
        tally(phone, phoneGot);
        tally(agent, agentGot);
        return agentGot[0] + phoneGot[1] == each && phoneGot[0] + agentGot[1] == each;
      });
      long delivered = (long) agentGot[0] * p.length() + (long) phoneGot[0] * a.length();
      assertTrue(delivered <= quota, "forwarded " + delivered + " bytes past a quota of " + quota);
      assertTrue(quota - delivered < 2L * p.length(), "stopped early: " + delivered + " of " + quota);
      assertTrue(phoneGot[1] + agentGot[1] > 0, "the quota never stopped the pair");
    }
  }

  /** Counts what a client got: deliveries from its peer, and DAILY_QUOTA_EXCEEDED refusals. */
  private static void tally(WsClient c, int[] got) {
    while (c.pending() > 0) {
      JsonObject m = c.next();
      if (m.getString("type").equals("chat.error")) {
        assertEquals("DAILY_QUOTA_EXCEEDED", m.getJsonObject("payload").getString("code"));
        got[1]++;
      } else {
        got[0]++;
      }
    }
  }

  @Test
  void dailyQuotaSpentFromTwoNodesStopsAtTheLimit() {
    long quota = 20_000;
    String token = node(0).createToken(new JsonObject().put("limits", new JsonObject().put("daily_bytes", quota)
        .put("phone_per_min", 100_000).put("agent_per_min", 100_000)));
    try (WsClient phone = WsClient.auth(node(0).wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(node(1).wsUrl(), token, "agent")) {
      phone.expect("status");
      String p = Envelopes.chat("x".repeat(900));
      String a = Envelopes.stream("y".repeat(900), 1);
      QuotaProbe.Spent spent = QuotaProbe.spend(phone, agent, p, a, 60);
      long delivered = spent.delivered();
      int refused = spent.refused();
      assertTrue(refused > 0, "the quota never stopped the pair");
      assertTrue(delivered <= quota, "forwarded " + delivered + " bytes past a quota of " + quota);
      assertTrue(quota - delivered < p.length(), "stopped early: " + delivered + " of " + quota);
      JsonObject usage = new JsonObject(node(2).http("GET", "/api/v1/pair/" + token + "/usage", null, null).body());
      assertEquals(delivered, usage.getLong("daily_used_bytes"));
    }
  }
}
