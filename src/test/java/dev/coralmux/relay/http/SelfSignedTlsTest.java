package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.TlsProbe;
import dev.coralmux.relay.support.TlsTrust;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code tls.mode "self-signed"}: the relay makes its own certificate for its LAN addresses, serves
 * https and wss with it, keeps the key owner-only, and reuses it after a restart (a phone that
 * accepted it once keeps working). The clients trust only that certificate, read from the data dir.
 */
class SelfSignedTlsTest {
  static final JsonObject CONF = new JsonObject().put("host", "0.0.0.0")
      .put("tls", new JsonObject().put("mode", "self-signed").put("self_signed_names", new JsonArray().add("relay.lan")));

  static String fingerprint(X509Certificate c) throws Exception {
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
  }

  @Test
  void servesHttpsAndWssWithItsOwnCertificateAndReusesItAfterARestart() throws Exception {
    Path data = Files.createTempDirectory("coralmux-selfsigned");
    Path certFile = data.resolve("self-signed").resolve("cert.pem");
    Path keyFile = data.resolve("self-signed").resolve("key.pem");
    List<InetAddress> lan = TlsTrust.lanAddresses();
    // Through a LAN address when there is one: the JDK client checks the certificate names that address.
    String host = lan.isEmpty() ? "127.0.0.1" : lan.get(0).getHostAddress();
    String first;
    try (TestRelay relay = TestRelay.startOn(data, CONF)) {
      assertTrue(Files.exists(certFile) && Files.exists(keyFile), "made in data_dir/self-signed");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)), "the key is owner-only");
      X509Certificate cert = dev.coralmux.relay.tls.SelfSignedCertificates.read(certFile);
      List<String> sans = new ArrayList<>();
      for (List<?> san : cert.getSubjectAlternativeNames()) sans.add(String.valueOf(san.get(1)));
      assertTrue(sans.containsAll(List.of("localhost", "127.0.0.1", "relay.lan")), sans::toString);
      if (lan.isEmpty()) {
        System.err.println("SelfSignedTlsTest: this machine has no non-loopback IPv4 address; the LAN SAN check is skipped");
      } else {
        assertTrue(sans.contains(host), "the certificate covers this machine's LAN address " + host + ": " + sans);
      }
      first = fingerprint(cert);
      assertEquals(first, relay.server().selfSigned().orElseThrow().fingerprint(), "the fingerprint printed at startup");
      assertEquals(first, fingerprint(TlsProbe.served(relay.port())), "the certificate served is the one in the data dir");

      HttpClient client = HttpClient.newBuilder().sslContext(TlsTrust.only(certFile)).build();
      String base = "https://" + host + ":" + relay.port();
      assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      String token = relay.createTokenOver(client, base);
      CompletableFuture<String> reply = new CompletableFuture<>();
      WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://" + host + ":" + relay.port() + "/ws"),
          new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              reply.complete(data.toString());
              return null;
            }
          }).get(20, TimeUnit.SECONDS);
      ws.sendText(new JsonObject().put("type", "auth").put("payload", new JsonObject().put("token", token).put("role", "agent"))
          .encode(), true);
      assertEquals("auth.ok", new JsonObject(reply.get(20, TimeUnit.SECONDS)).getString("type"));
      ws.abort();
    }
    try (TestRelay again = TestRelay.startOn(data, CONF)) {
      assertFalse(again.server().selfSigned().orElseThrow().created(), "reused, not made anew");
      assertEquals(first, fingerprint(TlsProbe.served(again.port())), "same certificate after a restart");
    }
  }
}
