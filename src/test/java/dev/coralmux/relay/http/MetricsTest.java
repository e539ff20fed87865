package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Prometheus /metrics: protected by default, and the figures move with real traffic. */
class MetricsTest {

  static double value(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    if (!m.find()) throw new AssertionError("no series " + series + " in:\n" + scrape.substring(0, Math.min(3000, scrape.length())));
    return Double.parseDouble(m.group(1));
  }

  @Test
  void metricsNeedTheAdminKeyAndReflectTraffic() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      assertEquals(401, relay.http("GET", "/metrics", null, null).statusCode());
      String token = relay.createToken();
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone")) {
        phone.send(Envelopes.chat("nobody yet"));
        phone.expectError("PEER_OFFLINE");
        try (WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
          phone.expect("status");
          String m = Envelopes.chat("counted");
          phone.send(m);
          assertEquals(m, agent.nextRaw());
          HttpResponse<String> r = relay.http("GET", "/metrics", null, TestRelay.ADMIN_KEY);
          assertEquals(200, r.statusCode());
          String s = r.body();
          assertEquals(1.0, value(s, "coralmux_connections{role=\"phone\"}"));
          assertEquals(1.0, value(s, "coralmux_connections{role=\"agent\"}"));
          assertEquals(1.0, value(s, "coralmux_messages_forwarded_total"));
          assertEquals(m.length(), value(s, "coralmux_bytes_forwarded_bytes_total"));
          assertEquals(1.0, value(s, "coralmux_messages_undelivered_total{reason=\"peer_offline\"}"));
          assertEquals(2.0, value(s, "coralmux_auth_total{result=\"ok\"}"));
          assertEquals(1.0, value(s, "coralmux_forward_latency_seconds_count"));
          assertTrue(s.contains("jvm_memory_used_bytes"));
          // Every series the shipped Grafana dashboard queries exists (cluster-only gauges aside).
          String dashboard = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("docs/grafana-dashboard.json")));
          Matcher names = Pattern.compile("coralmux_[a-z_]+").matcher(dashboard);
          while (names.find()) {
            String n = names.group().replaceAll("_bucket$", "_bucket");
            if (n.equals("coralmux_cluster_members")) continue;
            assertTrue(s.contains(n), "the dashboard queries " + n + ", which the relay does not export");
          }
        }
      }
    }
  }

  @Test
  void metricsCanBeOpenOrOnTheirOwnPort() throws Exception {
    try (TestRelay open = TestRelay.start(new JsonObject().put("metrics", new JsonObject().put("open", true)))) {
      assertEquals(200, open.http("GET", "/metrics", null, null).statusCode());
    }
    int port = RelayProcess.freePort();
    try (TestRelay separate = TestRelay.start(new JsonObject().put("metrics", new JsonObject().put("port", port)))) {
      assertEquals(404, separate.http("GET", "/metrics", null, TestRelay.ADMIN_KEY).statusCode());
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/metrics")).header("X-Admin-Key", TestRelay.ADMIN_KEY).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("coralmux_sockets"));
    }
  }
}
