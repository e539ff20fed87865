package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.ExternalTools;
import dev.coralmux.relay.support.QrImages;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Item 8: pairing links (QR codes, the CLI's link) never trust a stranger's Host header, follow the
 * scheme of public_url, and believe X-Forwarded-Proto/-Host only from a trusted proxy. Real relay,
 * real sockets; {@link LinkBaseTest} covers the decision for peers a test machine cannot be.
 */
class PairingLinkTrustTest {

  /** A plain HTTP/1.1 GET over a socket, because the JDK client will not send a chosen Host header. */
  record Answer(int status, String body) {}

  static Answer rawGet(InetAddress to, int port, String path, String host) throws Exception {
    try (Socket s = new Socket(to, port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(all.substring(9, 12));
      return new Answer(status, all.substring(all.indexOf("\r\n\r\n") + 4));
    }
  }

  /** This machine's first non-loopback IPv4 address, so the relay sees a non-loopback direct peer. */
  static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) continue;
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  static String decodeQr(TestRelay relay, String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.httpUrl() + "/api/v1/pair/" + token + "/qr.png"));
    if (headers.length > 0) b.headers(headers);
    HttpResponse<byte[]> png = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, png.statusCode(), () -> new String(png.body(), StandardCharsets.UTF_8));
    return QrImages.decode(png.body());
  }

  @Test
  void aSpoofedHostFromANonLoopbackPeerGets409NamingPublicUrl() throws Exception {
    Optional<InetAddress> self = nonLoopbackAddress();
    ExternalTools.requireThat(self.isPresent(), "a non-loopback address on this machine (the test connects from it)");
    try (TestRelay relay = TestRelay.start(new JsonObject().put("host", "0.0.0.0"))) {
      String token = relay.createToken();
      for (String path : new String[] {"/qr.png", "/qr.svg", "/link"}) {
        Answer a = rawGet(self.get(), relay.port(), "/api/v1/pair/" + token + path, "evil.example.com");
        assertEquals(409, a.status(), () -> path + " answered " + a.status()); // (a QR body is binary: not printed)
        JsonObject err = new JsonObject(a.body());
        assertEquals("PUBLIC_URL_REQUIRED", err.getString("code"));
        assertTrue(err.getString("message").contains("public_url"), err.getString("message"));
        assertTrue(!a.body().contains("evil.example.com") && !a.body().contains(token), a.body());
      }
      // The same request from loopback is the operator on the relay's machine: its own Host is used.
      Answer local = rawGet(InetAddress.getLoopbackAddress(), relay.port(), "/api/v1/pair/" + token + "/link", "127.0.0.1:" + relay.port());
      assertEquals(200, local.status(), local.body());
      assertEquals("ws://127.0.0.1:" + relay.port() + "/ws", new JsonObject(local.body()).getString("relay"));
    }
  }

  @Test
  void anHttpsPublicUrlGivesWssLinksWhateverTheHostHeaderSays() throws Exception {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("public_url", "https://relay.example.com"))) {
      String token = relay.createToken();
      assertEquals(PairingLink.of("wss://relay.example.com/ws", token), decodeQr(relay, token, "X-Forwarded-Proto", "http"));
      Answer spoofed = rawGet(InetAddress.getLoopbackAddress(), relay.port(), "/api/v1/pair/" + token + "/link", "evil.example.com");
      assertEquals(PairingLink.of("wss://relay.example.com/ws", token), new JsonObject(spoofed.body()).getString("link"));
      Optional<InetAddress> self = nonLoopbackAddress();
      if (self.isPresent()) { // a relay bound to loopback cannot be reached from there; public_url needs no peer check anyway
        try (TestRelay open = TestRelay.start(new JsonObject().put("host", "0.0.0.0").put("public_url", "https://relay.example.com"))) {
          String t = open.createToken();
          Answer remote = rawGet(self.get(), open.port(), "/api/v1/pair/" + t + "/link", "evil.example.com");
          assertEquals(200, remote.status(), remote.body());
          assertEquals("wss://relay.example.com/ws", new JsonObject(remote.body()).getString("relay"));
        }
      }
    }
  }

  @Test
  void forwardedHeadersAreHonouredFromATrustedProxyOnly() throws Exception {
    String[] forwarded = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "relay.example.org"};
    JsonObject trusted = new JsonObject().put("registration", new JsonObject().put("trusted_proxies", new JsonArray().add("127.0.0.1")));
    try (TestRelay relay = TestRelay.start(trusted)) {
      String token = relay.createToken();
      assertEquals(PairingLink.of("wss://relay.example.org/ws", token), decodeQr(relay, token, forwarded));
    }
    try (TestRelay relay = TestRelay.start()) { // 127.0.0.1 is loopback but not a trusted proxy: headers ignored
      String token = relay.createToken();
      assertEquals(PairingLink.of("ws://127.0.0.1:" + relay.port() + "/ws", token), decodeQr(relay, token, forwarded));
    }
  }
}
