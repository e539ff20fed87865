package dev.coralmux.relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.config.ConfigLoader;
import dev.coralmux.relay.config.RelayConfig;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The startup lines that say which URLs a phone can open, and whether its browser can use /chat there. */
class PhoneUrlsTest {
  static RelayConfig config(JsonObject json) {
    return ConfigLoader.fromJson(json.put("data_dir", "target/phone-urls-test"), Map.of());
  }

  static String text(List<String> lines) {
    return String.join("\n", lines);
  }

  @Test
  void plainHttpOnTheLanListsTheAddressesAndSaysAPhoneCannotUseChat() throws Exception {
    List<InetAddress> lan = List.of(InetAddress.getByName("192.168.1.20"), InetAddress.getByName("fd00::2"));
    String out = text(PhoneUrls.lines(config(new JsonObject()), 8080, lan, null));
    assertTrue(out.contains("http://192.168.1.20:8080/chat") && out.contains("http://192.168.1.20:8080/dashboard"), out);
    assertTrue(out.contains("http://[fd00:0:0:0:0:0:0:2]:8080/chat"), out);
    assertTrue(out.contains("cannot use these for /chat") && out.contains("http://localhost:8080/chat")
        && out.contains("self-signed"), out);
  }

  @Test
  void selfSignedModeListsHttpsUrlsAndTheFingerprintToCheck() throws Exception {
    RelayConfig cfg = config(new JsonObject().put("tls", new JsonObject().put("mode", "self-signed")));
    String out = text(PhoneUrls.lines(cfg, 8443, List.of(InetAddress.getByName("192.168.1.20")), "AB:CD"));
    assertTrue(out.contains("https://192.168.1.20:8443/chat") && out.contains("fingerprint AB:CD"), out);
    assertTrue(!out.contains("cannot"), out);
  }

  @Test
  void publicUrlWinsAndLoopbackOnlyIsSaidPlainly() throws Exception {
    String out = text(PhoneUrls.lines(config(new JsonObject().put("public_url", "wss://relay.example.com/ws")), 8080,
        List.of(InetAddress.getByName("192.168.1.20")), null));
    assertEquals("for phones (public_url): chat https://relay.example.com/chat · dashboard https://relay.example.com/dashboard", out);
    String local = text(PhoneUrls.lines(config(new JsonObject().put("host", "127.0.0.1")), 8080,
        List.of(InetAddress.getByName("192.168.1.20")), null));
    assertTrue(local.contains("none can reach it") && local.contains("set host to 0.0.0.0"), local);
  }
}
