package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invariant 3 on one node: the directory, not a connection's cached view, decides PEER_OFFLINE. */
class DirectoryRoutingTest {
  static TestRelay relay;

  @BeforeAll
  static void start() {
    relay = TestRelay.start();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void aMessageSentTheInstantThePeersAuthOkArrivesIsDelivered() {
    // The sender's node may not have processed the peer's "online" notice yet; the directory is
    // the truth, so the message goes through instead of PEER_OFFLINE. Many trials: it is a race.
    for (int trial = 0; trial < 40; trial++) {
      String token = relay.createToken();
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
           WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.auth(token, "agent"));
        agent.expect("auth.ok");
        String m = Envelopes.chat("right away " + trial);
        phone.send(m); // the phone has not necessarily heard "online" yet
        JsonObject first = phone.next();
        if (first.getString("type").equals("status")) {
          assertEquals("online", first.getJsonObject("payload").getString("peer"));
        } else {
          throw new AssertionError("trial " + trial + ": expected the online status, got " + first.encode());
        }
        assertEquals(m, agent.nextRaw(), "trial " + trial);
      }
    }
  }
}
