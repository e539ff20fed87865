package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RedisServer;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Redis limiter under load (issue 15): a node that fell back to local limits goes back to
 * Redis on its own once Redis answers, and more checks than a connection may have unanswered are
 * refused to their senders (RATE_LIMITED with retry_after_ms), never queued.
 */
class RedisLimiterLoadTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  @Test
  void afterAStallBothNodesGoBackToRedisAndLimitsAreClusterWideAgain() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int[] hz = {RelayProcess.freePort(), RelayProcess.freePort()};
      JsonObject conf = new JsonObject().put("event_loops", 1);
      try (TestRelay a = TestRelay.startClustered(conf, redis, hz[0], hz);
           TestRelay b = TestRelay.startClustered(conf, redis, hz[1], hz)) {
        String token = a.createToken();
        try (WsClient phone = WsClient.auth(a.wsUrl(), token, "phone");
             WsClient agent = WsClient.auth(b.wsUrl(), token, "agent")) {
          phone.expect("status");
          assertEquals("redis", a.health().getString("limits_mode"));

          redis.pause(); // frozen: answers nothing until resumed
          try {
            String fromPhone = Envelopes.chat("during the stall");
            phone.send(fromPhone);
            assertEquals(fromPhone, agent.nextRaw(), "decided locally once Redis did not answer");
            String fromAgent = Envelopes.stream("during the stall", 1);
            agent.send(fromAgent);
            assertEquals(fromAgent, phone.nextRaw());
            assertEquals("local", a.health().getString("limits_mode"));
            assertEquals("local", b.health().getString("limits_mode"));
            assertTrue(a.http("GET", "/metrics", null, TestRelay.ADMIN_KEY).body().contains("coralmux_limits_local 1.0"));
          } finally {
            redis.resume();
          }

          // Nobody has to send anything: the probe notices Redis answers again.
          Awaitility.await().atMost(GENEROUS).until(() -> a.health().getString("limits_mode").equals("redis")
              && b.health().getString("limits_mode").equals("redis"));
          assertTrue(a.http("GET", "/metrics", null, TestRelay.ADMIN_KEY).body().contains("coralmux_limits_local 0.0"));
        }

        // Cluster-wide again: a quota spent through node A is seen by node B's check.
        String shared = a.createToken(new JsonObject().put("limits", new JsonObject().put("daily_bytes", 1000)));
        try (WsClient phone = WsClient.auth(a.wsUrl(), shared, "phone");
             WsClient agent = WsClient.auth(b.wsUrl(), shared, "agent")) {
          phone.expect("status");
          String fromPhone = Envelopes.chat("x".repeat(600));
          phone.send(fromPhone);
          assertEquals(fromPhone, agent.nextRaw());
          String fromAgent = Envelopes.stream("y".repeat(300), 1);
          assertTrue(fromPhone.length() + fromAgent.length() > 1000, "precondition: B alone would let it through");
          agent.send(fromAgent);
          JsonObject err = agent.expectError("DAILY_QUOTA_EXCEEDED");
          assertTrue(err.getLong("retry_after_ms") > 0);
          phone.expectQuiet();
        }
      }
    }
  }

  @Test
  void checksBeyondTheInFlightBoundAreRefusedToTheSenderAndEveryMessageIsAccountedFor() throws Exception {
    int maxInFlight = 4;
    int sent = 40;
    try (RedisServer redis = RedisServer.start()) {
      int[] hz = {RelayProcess.freePort()};
      // metrics.open: the admin key check consults Redis, which is frozen below.
      JsonObject conf = new JsonObject().put("event_loops", 1).put("metrics", new JsonObject().put("open", true));
      // A long timeout: the stalled calls below must stay in flight, not fall back to local limits.
      JsonObject cluster = new JsonObject().put("redis", new JsonObject().put("max_in_flight", maxInFlight)
          .put("timeout_ms", 60_000));
      try (TestRelay a = TestRelay.startClustered(conf, cluster, redis, hz[0], hz)) {
        String token = a.createToken();
        try (WsClient phone = WsClient.auth(a.wsUrl(), token, "phone");
             WsClient agent = WsClient.auth(a.wsUrl(), token, "agent")) {
          phone.expect("status");
          String warm = Envelopes.chat("the connection and script are ready");
          phone.send(warm);
          assertEquals(warm, agent.nextRaw());

          Set<String> ids = new HashSet<>();
          redis.pause(); // every call now stays unanswered, so the bound is reached whatever the timing
          try {
            for (int i = 0; i < sent; i++) {
              String m = Envelopes.chat("message " + i);
              ids.add(new JsonObject(m).getString("id"));
              phone.send(m);
            }
            // /metrics, not /health: /health counts paired sessions in Redis, which is frozen.
            Awaitility.await().atMost(GENEROUS).until(() -> a.http("GET", "/metrics", null, null).body()
                .contains("coralmux_redis_overloaded_total " + (sent - maxInFlight) + ".0"));
          } finally {
            redis.resume();
          }

          Set<String> delivered = new HashSet<>();
          Set<String> refused = new HashSet<>();
          while (delivered.size() + refused.size() < sent) {
            if (refused.size() < sent - maxInFlight) {
              JsonObject err = phone.expectError("RATE_LIMITED");
              assertTrue(err.getLong("retry_after_ms") > 0, err::encode);
              assertTrue(refused.add(err.getString("ref_id")));
            } else {
              assertTrue(delivered.add(agent.next().getString("id")));
            }
          }
          assertEquals(sent - maxInFlight, refused.size(), "all but the calls in flight are refused");
          assertEquals(maxInFlight, delivered.size(), "the calls in flight are decided by Redis once it answers");
          Set<String> all = new HashSet<>(delivered);
          all.addAll(refused);
          assertEquals(ids, all, "every message forwarded or refused to its sender, none twice");
          phone.expectQuiet();
          agent.expectQuiet();
          JsonObject health = a.health();
          assertEquals(sent - maxInFlight, health.getLong("redis_overloaded"));
          assertEquals(sent - maxInFlight, health.getJsonObject("undelivered").getLong("rate_limited"));
          assertEquals(0L, health.getLong("redis_in_flight"), "nothing left waiting");
          assertEquals(0L, health.getLong("redis_failures"));
          assertEquals("redis", health.getString("limits_mode"));
        }
      }
    }
  }
}
