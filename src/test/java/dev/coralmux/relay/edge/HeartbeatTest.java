package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RawWebSocket;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebSocket pings from the relay; silence for three heartbeat periods closes the connection. */
class HeartbeatTest {
  static TestRelay relay;

  @BeforeAll
  static void start() {
    relay = TestRelay.start(new JsonObject().put("websocket", new JsonObject().put("heartbeat_interval_ms", 300)));
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void silentClientIsClosedAndItsPeerToldOffline() throws Exception {
    String token = relay.createToken();
    try (WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
         RawWebSocket phone = new RawWebSocket(relay.port())) {
      phone.sendText(Envelopes.auth(token, "phone"));
      int pings = 0;
      RawWebSocket.Frame f;
      while ((f = phone.read()).opcode() != 0x8) { // never answers: a dead phone behind NAT
        if (f.opcode() == 0x9) pings++;
      }
      assertEquals(4408, f.closeCode());
      assertTrue(pings >= 2, "expected pings before the close, saw " + pings);
      assertEquals("online", agent.expect("status").getJsonObject("payload").getString("peer"));
      assertEquals("offline", agent.expect("status").getJsonObject("payload").getString("peer"));
    }
  }

  @Test
  void clientThatAnswersPingsStaysConnected() throws Exception {
    String token = relay.createToken();
    try (RawWebSocket phone = new RawWebSocket(relay.port())) {
      phone.sendText(Envelopes.auth(token, "phone"));
      int pings = 0;
      while (pings < 8) { // eight periods: well past the three-period limit
        RawWebSocket.Frame f = phone.read();
        assertTrue(f.opcode() != 0x8, "closed although it answered every ping");
        if (f.opcode() == 0x9) {
          pings++;
          phone.write(0xA, f.payload());
        }
      }
    }
  }
}
