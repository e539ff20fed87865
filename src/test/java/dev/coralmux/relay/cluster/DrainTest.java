package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RedisServer;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Draining one node of a three-node cluster under traffic: it turns unready, refuses new sockets,
 * closes its own with 1001 spread over the window, and every message either arrives or its sender
 * is told; pairs on the other nodes notice nothing.
 */
class DrainTest {

  @Test
  void drainingANodeUnderTrafficLosesNothingSilently() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int[] hz = {RelayProcess.freePort(), RelayProcess.freePort(), RelayProcess.freePort()};
      JsonObject conf = new JsonObject().put("event_loops", 1).put("shutdown", new JsonObject().put("drain_ms", 1500))
          .put("limits", new JsonObject().put("phone_per_min", 100_000).put("agent_per_min", 100_000));
      TestRelay n0 = TestRelay.startClustered(conf, redis, hz[0], hz);
      TestRelay n1 = TestRelay.startClustered(conf, redis, hz[1], hz);
      TestRelay draining = TestRelay.startClustered(conf, redis, hz[2], hz);
      try {
        assertEquals(200, draining.http("GET", "/health/ready", null, null).statusCode());
        List<WsClient> phones = new ArrayList<>();
        List<WsClient> agents = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          String t = n0.createToken();
          tokens.add(t);
          phones.add(WsClient.auth(n0.wsUrl(), t, "phone"));
          agents.add(WsClient.auth(draining.wsUrl(), t, "agent"));
        }
        for (WsClient p : phones) p.expect("status");
        String ct = n0.createToken();
        WsClient controlPhone = WsClient.auth(n0.wsUrl(), ct, "phone");
        WsClient controlAgent = WsClient.auth(n1.wsUrl(), ct, "agent");
        controlPhone.expect("status");

        long drainStart = System.nanoTime();
        long[] drainEnd = new long[1];
        Thread drainer = new Thread(() -> {
          draining.server().drainAndStop();
          drainEnd[0] = System.nanoTime();
        }, "drainer");
        drainer.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
            draining.http("GET", "/health/ready", null, null).statusCode() == 503);
        JsonObject ready = new JsonObject(draining.http("GET", "/health/ready", null, null).body());
        assertTrue(ready.getJsonArray("problems").encode().contains("draining"), ready::encode);
        assertThrows(Exception.class, () -> WsClient.connect(draining.wsUrl()), "new sockets are refused while draining");

        // Traffic while the node drains: each phone keeps sending until its agent is gone.
        int[] sent = new int[phones.size()];
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
          for (int i = 0; i < phones.size(); i++) {
            phones.get(i).send(Envelopes.chat("m" + sent[i]));
            sent[i]++;
          }
          return agents.stream().allMatch(WsClient::isClosed);
        });
        long allClosedMs = (System.nanoTime() - drainStart) / 1_000_000;
        drainer.join(30_000);
        System.out.println("[measured] drain window 1500 ms: last client closed after " + allClosedMs
            + " ms; node stopped after " + (drainEnd[0] - drainStart) / 1_000_000 + " ms");

        for (int i = 0; i < phones.size(); i++) {
          assertEquals(1001, agents.get(i).awaitClose(), "a clean close: going away");
          int delivered = 0;
          while (agents.get(i).pending() > 0) if (agents.get(i).next().getString("type").equals("chat.send")) delivered++;
          // The phone hears "offline" once, and an error for each message that did not arrive.
          int refused = 0;
          boolean offline = false;
          phones.get(i).send(Envelopes.ping());
          while (true) {
            JsonObject m = phones.get(i).next();
            String type = m.getString("type");
            if (type.equals("pong")) break;
            if (type.equals("status")) {
              assertEquals("offline", m.getJsonObject("payload").getString("peer"));
              offline = true;
            } else {
              assertEquals("chat.error", type);
              assertEquals("PEER_OFFLINE", m.getJsonObject("payload").getString("code"));
              refused++;
            }
          }
          assertTrue(offline);
          // What neither arrived nor was refused was kept (the history): the agent's next
          // connection, on another node, gets it right after auth.ok — once.
          int kept = sent[i] - delivered - refused;
          try (WsClient back = WsClient.auth(n1.wsUrl(), tokens.get(i), "agent")) {
            for (int k = 0; k < kept; k++) {
              assertEquals("chat.send", back.next().getString("type"),
                  "pair " + i + ": every message arrived, was kept for the next connection, or its sender was told");
            }
            back.expectQuiet(); // and none twice
          }
          phones.get(i).expect("status");
        }
        // Pairs on the other nodes noticed nothing.
        controlPhone.expectQuiet();
        String m = Envelopes.chat("still here");
        controlPhone.send(m);
        assertEquals(m, controlAgent.nextRaw());
        controlAgent.expectQuiet();
      } finally {
        n0.close();
        n1.close();
      }
    }
  }
}
