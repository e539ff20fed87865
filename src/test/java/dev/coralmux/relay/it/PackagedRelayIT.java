package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, started the way the README starts it (from a directory holding
 * {@code conf/relay.json}, no arguments): first start generates the admin key, pairing and
 * chatting work, SIGTERM flushes usage, kill -9 loses no token, bad config exits non-zero.
 */
class PackagedRelayIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Path workDirWithShippedConf() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-it");
    Files.createDirectories(dir.resolve("conf"));
    Files.copy(Path.of("conf", "relay.json"), dir.resolve("conf").resolve("relay.json"));
    return dir;
  }

  private static HttpResponse<String> http(RelayProcess relay, String method, String path, String adminKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.httpUrl() + path)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (adminKey != null) b.header("X-Admin-Key", adminKey);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void firstStartGeneratesAKeyThenPairsChatsAndSurvivesRestartAndCrash() throws Exception {
    Path dir = workDirWithShippedConf();
    String token;
    long used;
    String adminKey;
    try (RelayProcess relay = RelayProcess.start(dir, Map.of()).awaitListening()) {
      assertTrue(relay.output().contains("Generated an admin key"), relay.output());
      adminKey = Files.readString(dir.resolve("data/admin.key")).trim();
      assertTrue(relay.output().contains(adminKey), "printed once on first start");
      assertEquals(401, http(relay, "POST", "/api/v1/pair", null).statusCode(), "the admin API is never open");
      HttpResponse<String> created = http(relay, "POST", "/api/v1/pair", adminKey);
      assertEquals(201, created.statusCode());
      token = new JsonObject(created.body()).getString("token");
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
           WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        phone.expect("status");
        String m = Envelopes.chat("hello through the jar");
        phone.send(m);
        assertEquals(m, agent.nextRaw());
        String r = Envelopes.stream("hi", 1);
        agent.send(r);
        assertEquals(r, phone.nextRaw());
        used = m.length() + r.length();
      }
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
      assertEquals(143, relay.terminate());
      relay.awaitLine("relay stopped; usage counters written");
    }
    assertFalse(Files.readString(dir.resolve("data/tokens.json")).contains(token));

    try (RelayProcess relay = RelayProcess.start(dir, Map.of()).awaitListening()) {
      assertTrue(relay.output().contains("admin key: read from"), relay.output());
      assertFalse(relay.output().contains(adminKey), "the key is never printed again");
      JsonObject usage = new JsonObject(http(relay, "GET", "/api/v1/pair/" + token + "/usage", null).body());
      assertEquals(used, usage.getLong("daily_used_bytes"), "usage flushed at shutdown");
      // A token created just before a crash is still there after it.
      String second = new JsonObject(http(relay, "POST", "/api/v1/pair", adminKey).body()).getString("token");
      relay.kill();
      try (RelayProcess after = RelayProcess.start(dir, Map.of()).awaitListening()) {
        try (WsClient c = WsClient.auth(after.wsUrl(), second, "agent")) {
          c.expectQuiet();
        }
      }
    }
  }

  @Test
  void environmentOverridesAndConfiguredAdminKey() throws Exception {
    Path dir = workDirWithShippedConf();
    Path data = Files.createTempDirectory("coralmux-data");
    String key = "an-operator-chosen-admin-key-123";
    try (RelayProcess relay = RelayProcess.start(dir, Map.of("RELAY_ADMIN_KEY", key, "RELAY_DATA_DIR", data.toString()))
        .awaitListening()) {
      assertFalse(relay.output().contains("Generated"), relay.output());
      assertEquals(201, http(relay, "POST", "/api/v1/pair", key).statusCode());
      assertTrue(Files.exists(data.resolve("tokens.json")));
      assertEquals(200, http(relay, "GET", "/health", null).statusCode());
    }
  }

  @Test
  void jsonLogsInProductionModeNameTokensOnlyById() throws Exception {
    Path dir = workDirWithShippedConf();
    try (RelayProcess relay = RelayProcess.start(dir, Map.of("RELAY_LOG_FORMAT", "json",
        "RELAY_ADMIN_KEY", "json-logs-admin-key-0123456789")).awaitListening()) {
      HttpResponse<String> created = http(relay, "POST", "/api/v1/pair", "json-logs-admin-key-0123456789");
      String token = new JsonObject(created.body()).getString("token");
      String line = relay.awaitLine("\"message\":\"token ");
      JsonObject log = new JsonObject(line);
      assertEquals("INFO", log.getString("level"));
      assertTrue(log.getString("message").contains(new JsonObject(created.body()).getString("id")));
      assertFalse(relay.output().contains(token), "logs never carry a token");
    }
  }

  @Test
  void badConfigurationExitsNonZeroNamingTheKey() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-badconf");
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/relay.json"), "{\"limits\": {\"phone_per_min\": \"lots\"}, \"colour\": 1}");
    try (RelayProcess relay = RelayProcess.start(dir, Map.of())) {
      assertNotEquals(0, relay.awaitExit());
      relay.awaitLine("limits.phone_per_min: expected an integer");
      relay.awaitLine("colour: unknown key");
      assertFalse(relay.output().contains("\tat "), "no stack trace");
    }
    try (RelayProcess relay = RelayProcess.start(dir, Map.of("RELAY_PORT", "http"))) {
      assertNotEquals(0, relay.awaitExit());
      relay.awaitLine("RELAY_PORT: expected a port number");
    }
  }

  @Test
  void bannerShowsWhatIsBoundAndJsonLogsNeverPrintAGeneratedKey() throws Exception {
    Path dir = workDirWithShippedConf();
    try (RelayProcess relay = RelayProcess.start(dir, Map.of("RELAY_HOST", "0.0.0.0", "RELAY_LOG_FORMAT", "json")).awaitListening()) {
      String banner = relay.awaitLine("listening on");
      assertTrue(banner.contains("listening on 0.0.0.0:" + relay.port + " (all interfaces"), banner);
      assertFalse(banner.contains("127.0.0.1"), "it listens everywhere, not only on loopback: " + banner);
      String key = Files.readString(dir.resolve("data/admin.key")).trim();
      assertFalse(relay.output().contains(key), "a generated key stays out of JSON log output");
      relay.awaitLine("written to " + Path.of("data", "admin.key"));
      assertEquals(201, http(relay, "POST", "/api/v1/pair", key).statusCode());
    }
    try (RelayProcess relay = RelayProcess.start(workDirWithShippedConf(), Map.of()).awaitListening()) {
      String banner = relay.awaitLine("listening on");
      assertTrue(banner.contains("listening on 127.0.0.1:" + relay.port + " (http://127.0.0.1:" + relay.port), banner);
    }
  }

  @Test
  void shortOrPlaceholderAdminKeysExitWithAConfigurationError() throws Exception {
    String shipped = Files.readString(Path.of("k8s", "secret.yaml")).replaceAll("(?s).*admin-key: \"([^\"]+)\".*", "$1");
    for (String key : new String[] {"short-key", shipped}) {
      try (RelayProcess relay = RelayProcess.start(workDirWithShippedConf(), Map.of("RELAY_ADMIN_KEY", key))) {
        assertEquals(2, relay.awaitExit());
        relay.awaitLine("admin_key: ");
        assertFalse(relay.output().contains("\tat "), "no stack trace");
      }
    }
  }

  @Test
  void failingRequestsWithATokenInTheirPathLeaveNoTokenInTheLog() throws Exception {
    for (String format : new String[] {"text", "json"}) {
      try (RelayProcess relay = RelayProcess.start(workDirWithShippedConf(), Map.of("RELAY_LOG_FORMAT", format,
          "RELAY_ADMIN_KEY", "redaction-it-admin-key-0123456789")).awaitListening()) {
        String token = new JsonObject(http(relay, "POST", "/api/v1/pair", "redaction-it-admin-key-0123456789").body()).getString("token");
        assertEquals(401, http(relay, "DELETE", "/api/v1/pair/" + token, "a-wrong-admin-key-0123456789").statusCode());
        assertEquals(404, http(relay, "GET", "/api/v1/pair/" + token + "x/usage", null).statusCode());
        assertEquals(404, http(relay, "GET", "/api/v1/pair/" + token + "/nothing-here", null).statusCode());
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.port)) { // undecodable: the router fails
          raw.getOutputStream().write(("GET /api/v1/pair/" + token + "%zz/usage HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          raw.getInputStream().readAllBytes();
        }
        relay.awaitLine("wrong admin key from 127.0.0.1");
        assertEquals(143, relay.terminate());
        assertFalse(relay.output().contains(token.substring(8)), relay.output());
      }
    }
  }
}
