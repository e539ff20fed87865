package dev.coralmux.relay.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RawWebSocket;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What real and hostile clients do at the seams (issue 11): offer compression, send a huge first
 * frame, hold sockets without authenticating, open TCP connections and say nothing, announce a
 * frame over the hard cap.
 */
class HostileClientsTest {
  private static final String OFFER_DEFLATE = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

  @Test
  void permessageDeflateIsOffUnlessConfigured() throws Exception {
    try (TestRelay relay = TestRelay.start();
         RawWebSocket ws = new RawWebSocket(relay.port(), OFFER_DEFLATE)) {
      assertFalse(ws.responseHead().toLowerCase().contains("permessage-deflate"), ws.responseHead());
    }
    JsonObject on = new JsonObject().put("websocket", new JsonObject().put("compression", true));
    try (TestRelay relay = TestRelay.start(on);
         RawWebSocket plain = new RawWebSocket(relay.port(), OFFER_DEFLATE);
         RawWebSocket noContext = new RawWebSocket(relay.port(), "Sec-WebSocket-Extensions: permessage-deflate; "
             + "client_no_context_takeover; server_no_context_takeover\r\n")) {
      assertTrue(plain.responseHead().toLowerCase().contains("permessage-deflate"), plain.responseHead());
      String head = noContext.responseHead().toLowerCase();
      assertTrue(head.contains("server_no_context_takeover") && head.contains("client_no_context_takeover"),
          "no context takeover is granted when asked for: " + head);
    }
  }

  @Test
  void aFirstMessageLargerThanAnAuthIsRefused() throws Exception {
    try (TestRelay relay = TestRelay.start(); RawWebSocket ws = new RawWebSocket(relay.port())) {
      String token = relay.createToken();
      JsonObject auth = new JsonObject(Envelopes.auth(token, "phone"));
      auth.getJsonObject("payload").put("padding", "x".repeat(100 * 1024)); // a valid auth, 100 KiB
      ws.sendText(auth.encode());
      JsonObject fail = new JsonObject(new String(ws.read().payload(), StandardCharsets.UTF_8));
      assertEquals("auth.fail", fail.getString("type"));
      assertEquals("INVALID_MESSAGE", fail.getJsonObject("payload").getString("code"));
      assertEquals(4401, ws.read().closeCode());
    }
  }

  @Test
  void oneClientCannotHoldManyUnauthenticatedSockets() throws Exception {
    JsonObject conf = new JsonObject().put("websocket", new JsonObject().put("unauthenticated_per_ip", 3));
    try (TestRelay relay = TestRelay.start(conf)) {
      List<RawWebSocket> silent = new ArrayList<>();
      for (int i = 0; i < 3; i++) silent.add(new RawWebSocket(relay.port()));
      IOException refused = assertThrows(IOException.class, () -> new RawWebSocket(relay.port()));
      assertTrue(refused.getMessage().contains("429"), refused.getMessage());
      // Authenticating frees a place; so does closing.
      String token = relay.createToken();
      silent.get(0).sendText(Envelopes.auth(token, "phone"));
      assertEquals(0x1, silent.get(0).read().opcode()); // auth.ok
      try (RawWebSocket fourth = new RawWebSocket(relay.port())) {
        assertTrue(fourth.responseHead().startsWith("HTTP/1.1 101"));
      }
      for (RawWebSocket s : silent) s.close();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        try (RawWebSocket again = new RawWebSocket(relay.port())) {
          assertTrue(again.responseHead().startsWith("HTTP/1.1 101"));
        }
      });
    }
  }

  @Test
  void silentAndSlowlorisConnectionsAreCut() throws Exception {
    // Nothing written for heartbeat + grace (here 1 s + 2 s) ends a connection at the TCP level.
    JsonObject conf = new JsonObject().put("websocket", new JsonObject()
        .put("heartbeat_interval_ms", 1_000).put("close_grace_ms", 2_000));
    try (TestRelay relay = TestRelay.start(conf);
         Socket silent = new Socket("127.0.0.1", relay.port());
         Socket slowloris = new Socket("127.0.0.1", relay.port())) {
      silent.setSoTimeout(20_000);
      slowloris.setSoTimeout(200);
      long start = System.nanoTime();
      OutputStream drip = slowloris.getOutputStream();
      byte[] request = ("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200)).getBytes(StandardCharsets.US_ASCII);
      boolean cut = false;
      for (int i = 0; i < request.length && !cut; i++) { // a byte every 100 ms, never finishing the headers
        try {
          drip.write(request[i]);
          drip.flush();
          cut = readsEnd(slowloris.getInputStream());
        } catch (SocketException e) {
          cut = true;
        }
      }
      assertTrue(cut, "the slowloris request was never cut");
      assertEquals(-1, silent.getInputStream().read(), "the silent connection was closed");
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertTrue(seconds < 18, "cut after " + seconds + " s");
    }
  }

  /** True when the relay closed the socket; false when nothing came within the read timeout. */
  private static boolean readsEnd(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  @Test
  void aFrameAnnouncedOverTheHardCapGets1009() throws Exception {
    JsonObject conf = new JsonObject().put("limits", new JsonObject().put("max_message_bytes", 64 * 1024));
    try (TestRelay relay = TestRelay.start(conf); RawWebSocket ws = new RawWebSocket(relay.port())) {
      String token = relay.createToken();
      ws.sendText(Envelopes.auth(token, "phone"));
      assertEquals(0x1, ws.read().opcode()); // auth.ok
      ws.writeHeaderOnly(0x1, 10L * 1024 * 1024);
      RawWebSocket.Frame close = ws.read();
      assertEquals(0x8, close.opcode());
      assertEquals(1009, close.closeCode());
    }
  }

  @Test
  void aTokenPastItsExpiryIsClosedAtOnce() {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken(new JsonObject().put("expires_in_s", 2));
      WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
      long start = System.nanoTime();
      assertEquals(4401, phone.awaitClose()); // the heartbeat (30 s) would be far later
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 10_000, "closed " + ms + " ms after auth, for a token expiring after 2 s");
      assertTrue(phone.closeReason().contains("expired"), phone.closeReason());
    }
  }
}
