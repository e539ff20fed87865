package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A standalone relay killed with -9 in the middle of traffic loses at most about one flush
 * interval (1 s) of usage counting (issue 11, item 11; the figure is in docs/operations.md).
 */
class CrashUsageIT {
  private static final String KEY = "crash-test-admin-key-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void killMinus9LosesAtMostAboutOneSecondOfUsage() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-crash");
    Files.createDirectories(dir.resolve("conf"));
    Files.copy(Path.of("conf", "relay.json"), dir.resolve("conf").resolve("relay.json"));
    Map<String, String> env = Map.of("RELAY_ADMIN_KEY", KEY);
    String token;
    long sent = 0;
    int perSecond = 100;
    int seconds = 4;
    String m = Envelopes.stream("z".repeat(1000), 1);
    try (RelayProcess relay = RelayProcess.start(dir, env).awaitListening()) {
      token = new JsonObject(http(relay, "POST", "/api/v1/pair").body()).getString("token");
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
           WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        phone.expect("status");
        long start = System.nanoTime();
        for (int i = 0; i < perSecond * seconds; i++) { // steady traffic, then the crash at once
          agent.send(Envelopes.fresh(m)); // a new id each time: a repeated id is a resend, charged once
          sent += m.length();
          LockSupport.parkNanos(start + TimeUnit.MILLISECONDS.toNanos((i + 1) * 1000L / perSecond) - System.nanoTime());
        }
        for (int i = 0; i < perSecond * seconds; i++) phone.nextRaw(); // all were forwarded (and counted)
        relay.kill();
      }
    }
    try (RelayProcess after = RelayProcess.start(dir, env).awaitListening()) {
      long counted = new JsonObject(http(after, "GET", "/api/v1/pair/" + token + "/usage").body())
          .getLong("daily_used_bytes");
      long lost = sent - counted;
      long perSecondBytes = (long) perSecond * m.length();
      System.out.printf("kill -9: sent %d bytes over %d s, %d counted after restart, %d lost (%.2f s of traffic)%n",
          sent, seconds, counted, lost, lost / (double) perSecondBytes);
      assertTrue(lost >= 0, "never more than was sent");
      assertTrue(lost <= 2 * perSecondBytes, "lost " + lost + " bytes: more than ~1 s of usage (plus scheduling slack)");
      assertEquals(0, lost % m.length(), "whole messages");
    }
  }

  private static HttpResponse<String> http(RelayProcess relay, String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(relay.httpUrl() + path)).header("X-Admin-Key", KEY)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
