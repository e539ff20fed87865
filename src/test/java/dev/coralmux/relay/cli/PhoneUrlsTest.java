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

  @Test
  void theFingerprintQrCodeHoldsTheFingerprintAPinAccepts() throws Exception {
    String fp = "0C:1E:" + "AB:".repeat(29) + "FF";
    List<String> lines = PhoneUrls.fingerprintQr(fp);
    assertTrue(lines.get(0).contains("QR code") && lines.get(0).contains("--cert-sha256"), lines.get(0));
    String scanned = decode(lines.subList(1, lines.size()));
    assertEquals("SHA-256 " + fp, scanned, "what a phone camera reads");
    assertEquals(fp, dev.coralmux.relay.client.CertificatePin.of(scanned).fingerprint(), "the scanned text pins that certificate");
    assertTrue(lines.size() < 30, "a short block, not a page: " + lines.size() + " lines");
  }

  /** Reads a terminal QR code back (light: █ both, ▀ top, ▄ bottom; space: both dark) and decodes it with ZXing. */
  static String decode(List<String> qr) throws Exception {
    int scale = 4;
    int border = 8;
    int width = qr.get(0).length();
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(
        (width + 2 * border) * scale, (qr.size() * 2 + 2 * border) * scale, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(java.awt.Color.BLACK);
    for (int row = 0; row < qr.size(); row++) {
      for (int x = 0; x < qr.get(row).length(); x++) {
        char c = qr.get(row).charAt(x);
        boolean topDark = c == '\u2584' || c == ' ';
        boolean bottomDark = c == '\u2580' || c == ' ';
        if (topDark) g.fillRect((x + border) * scale, (row * 2 + border) * scale, scale, scale);
        if (bottomDark) g.fillRect((x + border) * scale, (row * 2 + 1 + border) * scale, scale, scale);
      }
    }
    g.dispose();
    com.google.zxing.BinaryBitmap bitmap = new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(
        new com.google.zxing.client.j2se.BufferedImageLuminanceSource(img)));
    return new com.google.zxing.qrcode.QRCodeReader().decode(bitmap).getText();
  }
}
