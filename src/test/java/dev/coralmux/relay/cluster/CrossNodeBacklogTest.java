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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What may be on its way to another node unconfirmed is bounded: with room for two messages per
 * connection, an agent bursting v1 deltas to its phone on the other node has the excess refused at
 * once ({@code RATE_LIMITED} with {@code retry_after_ms}), counted, and never queued; everything
 * else arrives in order, and once confirmed the room is there again.
 */
class CrossNodeBacklogTest {
  private static final int BURST = 100;

  @Test
  void aBurstPastTheUnconfirmedBoundIsRefusedNotQueued() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int[] hz = {RelayProcess.freePort(), RelayProcess.freePort()};
      JsonObject conf = new JsonObject().put("event_loops", 1);
      JsonObject bounds = new JsonObject().put("event_bus", new JsonObject().put("max_unconfirmed_per_connection", 2));
      try (TestRelay a = TestRelay.startClustered(conf, bounds, redis, hz[0], hz);
           TestRelay b = TestRelay.startClustered(conf, bounds, redis, hz[1], hz)) {
        String token = a.createToken(new JsonObject().put("limits", new JsonObject().put("history_messages", 0)
            .put("agent_stream_per_min", 100_000).put("agent_stream_burst", 10_000)));
        try (WsClient phone = WsClient.auth(b.wsUrl(), token, "phone");
             WsClient agent = WsClient.auth(a.wsUrl(), token, "agent")) {
          assertEquals("online", phone.expect("status").getJsonObject("payload").getString("peer"));
          List<String> sent = new ArrayList<>();
          for (int i = 1; i <= BURST; i++) {
            String m = Envelopes.stream("d" + i, i);
            sent.add(m);
            agent.send(m);
          }
          Map<String, JsonObject> refused = new HashMap<>();
          List<String> got = new ArrayList<>();
          Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            while (agent.pending() > 0) {
              JsonObject e = agent.next();
              assertEquals("chat.error", e.getString("type"), e::encode);
              refused.put(e.getJsonObject("payload").getString("ref_id"), e.getJsonObject("payload"));
            }
            while (phone.pending() > 0) got.add(phone.nextRaw());
            return got.size() + refused.size() >= BURST;
          });
          List<String> expected = new ArrayList<>();
          for (String m : sent) if (!refused.containsKey(new JsonObject(m).getString("id"))) expected.add(m);
          assertEquals(expected, got, "what was not refused arrived, in order, once");
          assertTrue(!refused.isEmpty(), "a burst of " + BURST + " never had more than two unconfirmed: some refused");
          for (JsonObject e : refused.values()) {
            assertEquals("RATE_LIMITED", e.getString("code"), e::encode);
            assertTrue(e.getLong("retry_after_ms") > 0, e::encode);
          }
          assertEquals(refused.size(), a.undelivered("cross_node_backlog"), "each refusal counted under its reason");
          String after = Envelopes.stream("after the burst", BURST + 1);
          agent.send(after);
          assertEquals(after, phone.nextRaw(), "confirmed: the room is there again");
          System.out.println("cross-node backlog: " + got.size() + " delivered, " + refused.size() + " refused of " + BURST);
        }
      }
    }
  }
}
