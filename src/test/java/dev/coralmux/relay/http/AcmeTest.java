package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.ExternalTools;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.TlsProbe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Automatic certificates against a real ACME server on loopback (Debian's {@code pebble}): the
 * relay answers HTTP-01, serves the issued certificate, and renews it without a restart.
 */
class AcmeTest {

  @Test
  void obtainsServesAndRenewsACertificate() throws Exception {
    String pebble = ExternalTools.require("pebble", "the ACME test");
    Path dir = Files.createTempDirectory("coralmux-acme");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve("pebble-key.pem").toString(), "-out", dir.resolve("pebble-cert.pem").toString(),
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertEquals(0, openssl.waitFor());
    int acmePort = RelayProcess.freePort();
    int httpPort = RelayProcess.freePort();
    JsonObject conf = new JsonObject().put("pebble", new JsonObject()
        .put("listenAddress", "127.0.0.1:" + acmePort)
        .put("managementListenAddress", "127.0.0.1:" + RelayProcess.freePort())
        .put("certificate", dir.resolve("pebble-cert.pem").toString())
        .put("privateKey", dir.resolve("pebble-key.pem").toString())
        .put("httpPort", httpPort).put("tlsPort", RelayProcess.freePort())
        .put("ocspResponderURL", "").put("externalAccountBindingRequired", false));
    Files.writeString(dir.resolve("pebble.json"), conf.encode());
    ProcessBuilder pb = new ProcessBuilder(pebble, "-config", dir.resolve("pebble.json").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
    pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
    pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
    Process server = pb.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        try (Socket s = new Socket("127.0.0.1", acmePort)) {
          return true;
        } catch (Exception e) {
          return false;
        }
      });
      JsonObject tls = new JsonObject().put("mode", "acme").put("reload_check_ms", 200).put("acme", new JsonObject()
          .put("directory", "https://127.0.0.1:" + acmePort + "/dir").put("domains", new JsonArray().add("localhost"))
          .put("email", "ops@example.com").put("http_port", httpPort)
          .put("ca_file", dir.resolve("pebble-cert.pem").toString())
          // Always "due": every check renews, so the test sees a renewal without waiting for expiry.
          .put("renew_before_days", 100_000).put("check_interval_ms", 1_000));
      try (TestRelay relay = TestRelay.start(new JsonObject().put("tls", tls))) {
        X509Certificate first = TlsProbe.served(relay.port());
        assertTrue(first.getSubjectAlternativeNames().toString().contains("localhost"), first.toString());
        assertTrue(first.getIssuerX500Principal().getName().contains("Pebble"), first.getIssuerX500Principal().getName());
        assertTrue(Files.exists(relay.dataDir().resolve("acme/account.pem")));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
            !TlsProbe.served(relay.port()).getSerialNumber().equals(first.getSerialNumber()));
      }
    } finally {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
