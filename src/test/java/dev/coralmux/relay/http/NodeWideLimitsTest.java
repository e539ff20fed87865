package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: per-IP limits hold for the whole node, not per event loop. Each request goes
 * over a fresh connection (a new client each time), so Vert.x spreads them over both edge verticles.
 * A fixed port: with port 0, Vert.x 5 gave every connection to one verticle (seen while writing this).
 */
class NodeWideLimitsTest {

  static int post(TestRelay relay, String path) throws Exception {
    HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return fresh.send(HttpRequest.newBuilder(URI.create(relay.httpUrl() + path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static Map<Integer, Integer> count(TestRelay relay, String path, int times) throws Exception {
    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (int i = 0; i < times; i++) byStatus.merge(post(relay, path), 1, Integer::sum);
    return byStatus;
  }

  @Test
  void wrongInviteCodesAreLimitedPerClientIpAcrossEventLoops() throws Exception {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("event_loops", 2).put("port", RelayProcess.freePort())
        .put("invite", new JsonObject().put("failures_per_ip", 20)))) {
      assertEquals(Map.of(404, 20, 429, 20), count(relay, "/api/v1/invite/AAAAAA", 40));
    }
  }

  @Test
  void registrationsAreLimitedPerClientIpAcrossEventLoops() throws Exception {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("event_loops", 2).put("port", RelayProcess.freePort())
        .put("registration", new JsonObject().put("enabled", true).put("per_ip_per_hour", 5)))) {
      assertEquals(Map.of(201, 5, 429, 5), count(relay, "/api/v1/register", 10));
    }
  }
}
