package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Messages stored for an offline peer survive a graceful restart (SIGTERM) of a standalone relay. */
class HistoryRestartIT {
  private static final String KEY = "history-test-admin-key-0123456789";

  @Test
  void storedMessagesSurviveSigterm() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-history");
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf").resolve("relay.json"),
        new JsonObject().put("shutdown", new JsonObject().put("drain_ms", 200)).encode());
    Map<String, String> env = Map.of("RELAY_ADMIN_KEY", KEY);
    String token;
    List<String> stored = new ArrayList<>();
    try (RelayProcess relay = RelayProcess.start(dir, env).awaitListening()) {
      HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(relay.httpUrl() + "/api/v1/pair")).header("X-Admin-Key", KEY)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      token = new JsonObject(created.body()).getString("token");
      try (WsClient agent = WsClient.connect(relay.wsUrl())) {
        agent.send(Envelopes.authResume(token, "agent", null));
        agent.expect("auth.ok");
        for (int i = 0; i < 3; i++) {
          stored.add(Envelopes.of("chat.done", new JsonObject().put("text", "kept across a restart " + i)));
          agent.send(stored.get(i));
          assertEquals("stored", agent.expect("ack").getJsonObject("payload").getString("state"));
        }
      }
      assertEquals(143, relay.terminate(), "stopped by SIGTERM, shutdown hook run");
    }
    assertEquals(true, Files.exists(dir.resolve("data").resolve("history.bin")));
    try (RelayProcess again = RelayProcess.start(dir, env).awaitListening();
         WsClient phone = WsClient.connect(again.wsUrl())) {
      phone.send(Envelopes.authResume(token, "phone", null));
      JsonObject resume = phone.expect("auth.ok").getJsonObject("payload").getJsonObject("resume");
      assertEquals(new JsonObject().put("replayed", 3).put("complete", true), resume);
      for (String m : stored) assertEquals(m, phone.nextRaw());
      phone.expectQuiet();
    }
  }
}
