package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.TlsProbe;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** TLS on the relay itself from PEM files, and a renewed certificate picked up without a restart. */
class TlsTest {

  static void makeCert(Path dir, String cn) throws Exception {
    Path key = dir.resolve("new-key.pem");
    Path cert = dir.resolve("new-cert.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
        "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), "openssl failed");
    // Swap in place atomically, as a certificate manager would.
    Files.move(key, dir.resolve("key.pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(cert, dir.resolve("cert.pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static SSLContext trusting(Path certFile) throws Exception {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("relay", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static String servedSubject(int port) throws Exception {
    return TlsProbe.served(port).getSubjectX500Principal().getName();
  }

  @Test
  void servesTlsFromPemFilesAndReloadsARenewedCertificate() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-tls");
    makeCert(dir, "relay-1");
    JsonObject tls = new JsonObject().put("mode", "pem").put("cert_file", dir.resolve("cert.pem").toString())
        .put("key_file", dir.resolve("key.pem").toString()).put("reload_check_ms", 200);
    try (TestRelay relay = TestRelay.start(new JsonObject().put("tls", tls))) {
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(dir.resolve("cert.pem"))).build();
      String base = "https://127.0.0.1:" + relay.port();
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertEquals("CN=relay-1", servedSubject(relay.port()));

      // A WebSocket over TLS authenticates as usual.
      String token = relay.createTokenOver(client, base);
      CompletableFuture<String> first = new CompletableFuture<>();
      WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + relay.port() + "/ws"),
          new WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              first.complete(data.toString());
              return null;
            }
          }).get(20, TimeUnit.SECONDS);
      ws.sendText("{\"type\":\"auth\",\"payload\":{\"token\":\"" + token + "\",\"role\":\"agent\"}}", true);
      assertEquals("auth.ok", new JsonObject(first.get(20, TimeUnit.SECONDS)).getString("type"));
      ws.abort();

      makeCert(dir, "relay-2");
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> servedSubject(relay.port()).equals("CN=relay-2"));
      HttpClient renewed = HttpClient.newBuilder().sslContext(trusting(dir.resolve("cert.pem"))).build();
      assertEquals(200, renewed.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }
}
