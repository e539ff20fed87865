package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An agent streaming a long reply, the way models do (issue 11, item 9): thousands of deltas must
 * reach the phone whole, with the relay's default limits, and no RATE_LIMITED anywhere.
 */
class StreamingReplyTest {

  @Test
  void aModelStreaming2000DeltasIn2SecondsReachesThePhoneWhole() throws Exception {
    int deltas = 2_000;
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < deltas; i++) expected.append("w").append(i).append(' ');
    HttpServer llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    llm.createContext("/v1/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().add("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        long start = System.nanoTime();
        for (int i = 0; i < deltas; i++) {
          JsonObject chunk = new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("delta", new JsonObject().put("content", "w" + i + " "))));
          out.write(("data: " + chunk.encode() + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          long due = start + TimeUnit.MILLISECONDS.toNanos(i + 1L); // one delta a millisecond
          long wait = due - System.nanoTime();
          if (wait > 0) LockSupport.parkNanos(wait);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
    });
    llm.start();
    try (TestRelay relay = TestRelay.start()) { // the relay's default limits
      String token = relay.createToken();
      RelayClientTest.Recorder agentSaw = new RelayClientTest.Recorder();
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone"); // first, so it is told when the agent comes
           RelayClient agent = RelayClient.start(ClientOptions.of(relay.httpUrl(), token, Role.AGENT).withE2e(false),
               agentSaw)) {
        RelayClientTest.await(agent.connected());
        phone.expect("status");
        OpenAiBridge bridge = new OpenAiBridge("http://127.0.0.1:" + llm.getAddress().getPort() + "/v1", "m", "");
        ReplyStream reply = agent.replyStream();
        String full = bridge.ask("go", reply::delta);
        RelayClientTest.await(reply.done(full));
        assertEquals(expected.toString(), full);

        StreamAssembler assembled = new StreamAssembler(d -> { });
        int streams = 0;
        JsonObject m;
        while (!(m = phone.next()).getString("type").equals("chat.done")) {
          assertEquals("chat.stream", m.getString("type"), m::encode);
          assembled.chunk(m.getJsonObject("payload").getInteger("seq"), m.getJsonObject("payload").getString("delta"));
          streams++;
        }
        assertEquals(expected.toString(), assembled.text(), "the phone has the whole reply");
        assertEquals(expected.toString(), m.getJsonObject("payload").getString("full_text"));
        assertTrue(agentSaw.errors.isEmpty(), "no relay errors: " + agentSaw.errors);
        assertTrue(streams < 200, "deltas were coalesced: " + streams + " chat.stream for " + deltas + " deltas");
        phone.expectQuiet();
      }
    } finally {
      llm.stop(0);
    }
  }

  @Test
  void theRelayLetsAnAgentStreamABurstOfDeltasUncoalesced() {
    // A client without coalescing (any agent written against the plain protocol) still gets a
    // whole reply of 900 deltas through the stream class's burst of 1,000; its chat messages
    // keep their own limit (120/min).
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
           WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        phone.expect("status");
        for (int i = 1; i <= 900; i++) agent.send(Envelopes.stream("d" + i, i));
        for (int i = 1; i <= 900; i++) {
          assertEquals("d" + i, phone.next().getJsonObject("payload").getString("delta"));
        }
        agent.expectQuiet();
        for (int i = 0; i < 120; i++) agent.send(Envelopes.of("chat.done", new JsonObject().put("full_text", "x")));
        agent.send(Envelopes.of("chat.done", new JsonObject().put("full_text", "one too many")));
        JsonObject refused = agent.expectError("RATE_LIMITED");
        assertTrue(refused.getString("message").contains("120 per minute"), refused::encode);
      }
    }
  }
}
