package dev.coralmux.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.limits.Limits;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void shippedConfIsValidAndMatchesTheProtocolDefaults() {
    RelayConfig c = ConfigLoader.load(Path.of("conf", "relay.json"), Map.of());
    assertEquals(8080, c.port());
    assertEquals(5L * 1024 * 1024, c.limits().maxMessageBytes());
    assertEquals(30, c.limits().phonePerMin());
    assertEquals(120, c.limits().agentPerMin());
    assertEquals(524_288_000L, c.limits().dailyBytes()); // 500 MiB: binary units, as the spec's auth.ok example
    assertEquals(10_737_418_240L, c.limits().monthlyBytes());
    assertEquals(Limits.PROTOCOL_DEFAULTS, c.limits(), "the shipped file says what the built-in defaults are");
    assertEquals(false, c.websocket().compression());
    assertEquals(1_000, c.flushIntervalMs());
    assertEquals(10_000, c.websocket().authTimeoutMs());
    assertEquals(2 * c.limits().maxMessageBytes(), c.websocket().hardMaxMessageBytes());
  }

  @Test
  void environmentOverridesTheFile() {
    RelayConfig c = ConfigLoader.fromJson(new JsonObject().put("port", 1).put("host", "h"),
        Map.of("RELAY_PORT", "9999", "RELAY_HOST", "127.0.0.2", "RELAY_ADMIN_KEY", "k".repeat(20),
            "RELAY_DATA_DIR", "/tmp/x"));
    assertEquals(9999, c.port());
    assertEquals("127.0.0.2", c.host());
    assertEquals("k".repeat(20), c.adminKey());
    assertEquals(Path.of("/tmp/x"), c.dataDir());
  }

  @Test
  void everyProblemIsReportedWithItsKey() {
    JsonObject bad = new JsonObject().put("prot", 1).put("port", "eighty")
        .put("limits", new JsonObject().put("phone_per_min", -1).put("daly_bytes", 5))
        .put("websocket", "fast").put("registration", new JsonObject().put("enabled", "yes"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(bad, Map.of("RELAY_PORT", "x")));
    String all = String.join("\n", e.problems());
    for (String expected : new String[] {"prot: unknown key", "port: expected an integer", "limits.phone_per_min: must be between",
        "limits.daly_bytes: unknown key", "websocket: expected an object", "registration.enabled: expected true or false",
        "RELAY_PORT: expected a port number"}) {
      assertTrue(all.contains(expected), () -> "missing \"" + expected + "\" in\n" + all);
    }
  }

  @Test
  void contradictoryOrUnsupportedSettingsAreRefused() {
    String pemWithoutFiles = String.join("\n", assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(
        new JsonObject().put("tls", new JsonObject().put("mode", "pem")), Map.of())).problems());
    assertTrue(pemWithoutFiles.contains("tls.cert_file: required") && pemWithoutFiles.contains("tls.key_file: required"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(
        new JsonObject().put("tls", new JsonObject().put("cert_file", "/x.pem")), Map.of())).getMessage().contains("mode is \"off\""));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(
        new JsonObject().put("tls", new JsonObject().put("mode", "acme")), Map.of())).getMessage().contains("tls.acme.domains: required"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(
        new JsonObject().put("metrics", new JsonObject().put("port", 8080)), Map.of())).getMessage().contains("metrics.port"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(
        new JsonObject().put("log_format", "xml"), Map.of())).getMessage().contains("log_format"));
    // Pairing links (with the token) are built from public_url: a host without a scheme must not start.
    for (String bad : new String[] {"relay.example.com", "ftp://relay.example.com", "https://relay.example.com/?x=1"}) {
      assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(new JsonObject(), Map.of("RELAY_PUBLIC_URL", bad)))
          .getMessage().contains("public_url"), bad);
    }
    assertTrue(ConfigLoader.fromJson(new JsonObject().put("public_url", "https://relay.example.com/coralmux"), Map.of())
        .publicUrl().startsWith("https://"));
  }

  @Test
  void unreadableOrMissingExplicitFile() throws Exception {
    Path f = Files.createTempFile("relay", ".json");
    Files.writeString(f, "{ broken");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of())).getMessage().contains("not a JSON object"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/relay.json"), Map.of()))
        .getMessage().contains("no such file"));
  }

  @Test
  void shortAndShippedPlaceholderAdminKeysAreRefusedNamingTheKey() throws Exception {
    String shipped = Files.readString(Path.of("k8s", "secret.yaml")).replaceAll("(?s).*admin-key: \"([^\"]+)\".*", "$1");
    assertTrue(shipped.startsWith("CHANGE-ME"), shipped);
    for (String key : new String[] {"short-key", "0123456789abcde", shipped, "changeme-changeme-changeme"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(new JsonObject(), Map.of("RELAY_ADMIN_KEY", key)));
      assertTrue(e.getMessage().startsWith("admin_key: "), e.getMessage());
      ConfigException inFile = assertThrows(ConfigException.class, () -> ConfigLoader.fromJson(new JsonObject().put("admin_key", key), Map.of()));
      assertTrue(inFile.getMessage().startsWith("admin_key: "), inFile.getMessage());
    }
    assertEquals("0123456789abcdef", ConfigLoader.fromJson(new JsonObject().put("admin_key", "0123456789abcdef"), Map.of()).adminKey());
    assertEquals("", ConfigLoader.fromJson(new JsonObject(), Map.of()).adminKey(), "unset: generated at first start");
  }
}
