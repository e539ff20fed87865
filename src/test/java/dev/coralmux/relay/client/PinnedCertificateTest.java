package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Trusting a relay in {@code tls.mode "self-signed"} by its certificate's SHA-256 fingerprint, from
 * the SDK ({@link ClientOptions#withTrustedCertificateSha256}) and the CLI ({@code --cert-sha256}):
 * the pinned certificate and only it is accepted, whatever address it is reached at; a wrong pin and
 * a certificate the JVM does not trust are refused at once with one line saying what to do.
 */
class PinnedCertificateTest {
  static TestRelay relay;
  static String fingerprint;
  static String token;
  static final String WRONG = "0C:1E:" + "5A:".repeat(29) + "77";

  @BeforeAll
  static void start() throws Exception {
    relay = TestRelay.start(new JsonObject().put("host", "0.0.0.0")
        .put("tls", new JsonObject().put("mode", "self-signed")));
    fingerprint = relay.server().selfSigned().orElseThrow().fingerprint();
    HttpClient pinned = HttpClient.newBuilder().sslContext(CertificatePin.of(fingerprint).sslContext()).build();
    token = relay.createTokenOver(pinned, "https://127.0.0.1:" + relay.port());
  }

  @AfterAll
  static void stop() {
    if (relay != null) relay.close();
  }

  /** 127.0.0.2 is this machine too, but the certificate does not name it: only a pin can make it acceptable. */
  static String unnamedAddress() {
    return "https://127.0.0.2:" + relay.port();
  }

  static final class Recorder implements RelayListener {
    final List<String> disconnects = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> done = new CompletableFuture<>();

    @Override
    public void onMessage(RelayMessage m) {
      if (m.type().equals("chat.done") && m.encrypted()) done.complete(m.payload().getString("full_text"));
    }

    @Override
    public void onDisconnected(int code, String reason, boolean retrying) {
      disconnects.add(code + " " + retrying + " " + reason);
    }
  }

  @Test
  void withTheRightPinBothSidesConnectPairAndChatEvenAtAnAddressTheCertificateDoesNotName() throws Exception {
    RelayClient[] agent = new RelayClient[1];
    agent[0] = RelayClient.start(ClientOptions.of(unnamedAddress(), token, Role.AGENT)
        .withTrustedCertificateSha256(fingerprint.replace(":", "").toLowerCase()), new RelayListener() {
          @Override
          public void onMessage(RelayMessage m) {
            if (m.type().equals("chat.send")) agent[0].sendDone("pinned: " + m.payload().getString("text"));
          }
        });
    Recorder phoneEvents = new Recorder();
    try (RelayClient a = agent[0];
         RelayClient phone = RelayClient.start(ClientOptions.of("wss://127.0.0.1:" + relay.port() + "/ws", token, Role.PHONE)
             .withTrustedCertificateSha256(fingerprint), phoneEvents)) {
      a.connected().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      phone.connected().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(phone::isEncrypted); // key agreed
      phone.sendChat("over a pinned certificate").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertEquals("pinned: over a pinned certificate", phoneEvents.done.get(20, TimeUnit.SECONDS));
      assertTrue(phoneEvents.disconnects.isEmpty(), phoneEvents.disconnects::toString);
    }
  }

  @Test
  void aWrongPinIsRefusedAtOnceForGoodNamingBothFingerprints() throws Exception {
    Recorder events = new Recorder();
    try (RelayClient c = RelayClient.start(ClientOptions.of("https://127.0.0.1:" + relay.port(), token, Role.AGENT)
        .withTrustedCertificateSha256(WRONG), events)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> c.connected().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
      RelayException refused = assertInstanceOf(RelayException.class, e.getCause());
      assertEquals(CertificatePin.UNTRUSTED_CERTIFICATE, refused.code());
      assertTrue(refused.getMessage().contains(fingerprint) && refused.getMessage().contains(WRONG), refused.getMessage());
      assertEquals(1, events.disconnects.size(), events.disconnects::toString);
      assertTrue(events.disconnects.get(0).startsWith("-1 false "), "given up, not retried: " + events.disconnects);
      assertFalse(events.disconnects.get(0).contains("\n"), "one line");
    }
  }

  @Test
  void withoutAPinAnUntrustedCertificateIsRefusedWithHowToPinIt() throws Exception {
    Recorder events = new Recorder();
    try (RelayClient c = RelayClient.start(ClientOptions.of("https://127.0.0.1:" + relay.port(), token, Role.AGENT), events)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> c.connected().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
      RelayException refused = assertInstanceOf(RelayException.class, e.getCause());
      assertEquals(CertificatePin.UNTRUSTED_CERTIFICATE, refused.code());
      assertTrue(refused.getMessage().contains("not trusted") && refused.getMessage().contains("pin the SHA-256 fingerprint")
          && !refused.getMessage().contains("Exception"),
          refused.getMessage());
      assertEquals(List.of("-1 false " + refused.getMessage().substring(CertificatePin.UNTRUSTED_CERTIFICATE.length() + 2)),
          events.disconnects);
    }
  }

  @Test
  void fingerprintsAreReadInTheFormsPeopleCopyAndAnythingElseIsRefused() {
    String hex = fingerprint.replace(":", "");
    for (String form : List.of(fingerprint, fingerprint.toLowerCase(), hex, "SHA-256 " + fingerprint, "sha256:" + hex,
        "sha256/" + hex.toLowerCase(), fingerprint.replace(":", " "), "  " + fingerprint + "\n")) {
      assertEquals(fingerprint, CertificatePin.of(form).fingerprint(), form);
    }
    for (String bad : List.of("", "AB:CD", hex + "00", hex.substring(2) + "zz", "sha1/" + hex)) {
      assertThrows(IllegalArgumentException.class, () -> CertificatePin.of(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> ClientOptions.of("wss://x/ws", "t", Role.AGENT)
        .withTrustedCertificateSha256("AB:CD"), "a malformed pin is refused when the options are made");
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new dev.coralmux.relay.cli.Main()).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theTokenCommandsTakeThePinToo() {
    Run ok = cli("token", "status", token, "--relay", unnamedAddress(), "--cert-sha256", fingerprint);
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("phone: offline"), ok.out());

    Run wrong = cli("token", "status", token, "--relay", "https://127.0.0.1:" + relay.port(), "--cert-sha256", WRONG);
    assertEquals(1, wrong.exit());
    assertEquals(1, wrong.err().strip().lines().count(), "one line: " + wrong.err());
    assertTrue(wrong.err().startsWith("error: UNTRUSTED_CERTIFICATE: ") && wrong.err().contains(fingerprint), wrong.err());

    Run none = cli("token", "status", token, "--relay", "https://127.0.0.1:" + relay.port());
    assertEquals(1, none.exit());
    assertEquals(1, none.err().strip().lines().count(), "one line: " + none.err());
    assertTrue(none.err().contains("UNTRUSTED_CERTIFICATE") && none.err().contains("--cert-sha256 HEX")
        && none.err().contains("RELAY_CERT_SHA256"), none.err());

    Run malformed = cli("token", "status", token, "--relay", "https://127.0.0.1:" + relay.port(), "--cert-sha256", "AB:CD");
    assertEquals(2, malformed.exit(), "a usage error");
    assertTrue(malformed.err().contains("--cert-sha256") && malformed.err().contains("not a SHA-256"), malformed.err());
    for (String command : List.of("agent", "chat", "token create", "token status")) {
      Run help = cli((command + " --help").split(" "));
      assertTrue(help.out().contains("--cert-sha256=HEX") && help.out().contains("RELAY_CERT_SHA256"), command + ": " + help.out());
    }
    for (Run r : List.of(ok, wrong, none, malformed)) {
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }
  }
}
