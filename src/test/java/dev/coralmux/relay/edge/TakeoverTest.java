package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RawWebSocket;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invariant 1 on one node: the newest connection for a (token, role) wins; the old one gets nothing more. */
class TakeoverTest {
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
  void newestConnectionWinsAndThePeerSeesNoOffline() throws Exception {
    String token = relay.createToken();
    WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
    // The old phone never answers the close frame and keeps reading, so its socket stays open
    // through the takeover: anything the relay still sent it would be seen here.
    RawWebSocket phone1 = new RawWebSocket(relay.port());
    phone1.sendText(Envelopes.auth(token, "phone"));
    assertEquals("auth.ok", new JsonObject(new String(phone1.read().payload(), StandardCharsets.UTF_8)).getString("type"));
    agent.expect("status");
    WsClient phone2 = WsClient.connect(relay.wsUrl());
    phone2.send(Envelopes.auth(token, "phone"));
    assertTrue(phone2.expect("auth.ok").getJsonObject("payload").getBoolean("paired"));
    JsonObject replaced = agent.expect("status").getJsonObject("payload");
    assertEquals("online", replaced.getString("peer"));
    assertTrue(replaced.getBoolean("replaced"), "the peer is told of the takeover");
    RawWebSocket.Frame close = phone1.read();
    assertEquals(0x8, close.opcode());
    assertEquals(4409, close.closeCode());
    assertTrue(new String(close.payload(), StandardCharsets.UTF_8).contains("replaced"));
    for (int i = 0; i < 5; i++) {
      String msg = Envelopes.stream("to the new phone " + i, i);
      agent.send(msg);
      assertEquals(msg, phone2.nextRaw());
    }
    agent.expectQuiet(); // told once; never an offline for a takeover
    for (RawWebSocket.Frame f : phone1.readUntilCut()) {
      assertEquals(0x9, f.opcode(), "the replaced connection receives nothing but pings after its close frame");
    }
    phone1.close();
    agent.close();
    phone2.close();
  }
}
