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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis stops answering: established pairs keep relaying with local accounting, new auths get a
 * clear auth.fail, and once Redis is back the bytes counted locally are added to it — and nothing
 * relayed meanwhile reaches the peer twice.
 */
class RedisOutageTest {

  @Test
  void pairsKeepRelayingNewAuthsFailClearlyAndUsageIsReconciled() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int[] hz = {RelayProcess.freePort(), RelayProcess.freePort()};
      JsonObject conf = new JsonObject().put("event_loops", 1);
      try (TestRelay a = TestRelay.startClustered(conf, redis, hz[0], hz);
           TestRelay b = TestRelay.startClustered(conf, redis, hz[1], hz)) {
        String token = a.createToken();
        String later = a.createToken();
        try (WsClient phone = WsClient.auth(a.wsUrl(), token, "phone");
             WsClient agent = WsClient.auth(b.wsUrl(), token, "agent")) {
          phone.expect("status");
          String m = Envelopes.chat("before the outage");
          phone.send(m);
          assertEquals(m, agent.nextRaw());
          long before = usage(a, token);
          assertEquals(m.length(), before);

          redis.pause();
          long sent = 0;
          for (int i = 0; i < 5; i++) {
            String during = Envelopes.chat("during the outage " + i);
            phone.send(during);
            assertEquals(during, agent.nextRaw(), "established pairs keep relaying");
            sent += during.length();
          }
          try (WsClient newcomer = WsClient.connect(a.wsUrl())) {
            newcomer.send(Envelopes.auth(later, "phone"));
            JsonObject fail = newcomer.expect("auth.fail");
            assertEquals("SERVICE_UNAVAILABLE", fail.getJsonObject("payload").getString("code"));
            assertEquals(4401, newcomer.awaitClose());
          }
          assertTrue(a.health().getLong("redis_failures") > 0);
          // What the node let through on its own limits is exported, not silent.
          JsonObject local = a.health().getJsonObject("decided_locally");
          assertTrue(local.getLong("messages") >= 4 && local.getLong("bytes") >= sent - sent / 5, local::encode);

          redis.resume();
          long expected = before + sent;
          Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> usage(a, token) >= expected);
          // Never less than what was relayed; at most the message whose script timed out is counted twice.
          long after = usage(a, token);
          assertTrue(after <= expected + sent / 5 + 32, "usage " + after + " vs relayed " + expected);
          try (WsClient newcomer = WsClient.auth(a.wsUrl(), later, "phone")) {
            newcomer.expectQuiet();
          }
          // The check that timed out ran once Redis was back, so that message is in the history too;
          // the next kept message must not make the reader's node fill the "gap" with a second copy.
          String next = Envelopes.chat("after the outage");
          phone.send(next);
          assertEquals(next, agent.nextRaw(), "nothing relayed during the outage comes again");
          agent.expectQuiet();
          assertTrue(b.health().getJsonObject("history").getLong("repeats_skipped") >= 1,
              "the timed-out check did keep its message, and the reader's node skipped that copy");
        }
      }
    }
  }

  private static long usage(TestRelay node, String token) {
    var r = node.http("GET", "/api/v1/pair/" + token + "/usage", null, null);
    return r.statusCode() == 200 ? new JsonObject(r.body()).getLong("daily_used_bytes") : -1;
  }
}
