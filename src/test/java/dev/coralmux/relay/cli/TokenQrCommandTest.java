package dev.coralmux.relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.http.PairingLink;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Item 8, CLI side: {@code token create --qr} prints the link the relay builds (from public_url),
 * not one made from the URL the tool happened to use (a tunnel, loopback, plain http).
 */
class TokenQrCommandTest {

  record Run(int exit, List<String> out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString().lines().toList(), err.toString());
  }

  @Test
  void theQrLinkComesFromTheRelaysPublicUrl() {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("public_url", "https://relay.example.com"))) {
      Run r = run("token", "create", "--qr", "--relay", relay.httpUrl(), "--admin-key", TestRelay.ADMIN_KEY);
      assertEquals(0, r.exit(), r.err());
      String token = r.out().get(0);
      assertTrue(token.startsWith("oc_pair_"), r.out().get(0).substring(0, 8));
      // https: the QR is the browser phone's link, which any phone camera opens; the app link follows it.
      assertEquals("https://relay.example.com/chat#token=" + token, r.out().get(2), "the link line");
      assertTrue(r.out().size() > 10, "the QR code follows");
      assertEquals(PairingLink.of("wss://relay.example.com/ws", token), r.out().get(r.out().size() - 1), "the app link");
    }
  }
}
