package dev.coralmux.relay.http;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The pairing links a phone scans, as QR codes in SVG, PNG or terminal text (ZXing): for a phone app,
 * {@code coralmux://pair?relay=<WebSocket URL>&token=<token>}; for any phone camera, the relay's own
 * browser phone {@code https://<relay>/chat#token=<token>} (the token stays in the fragment, which
 * browsers never send to a server).
 */
public final class PairingLink {
  private PairingLink() {}

  public static String of(String webSocketUrl, String token) {
    return "coralmux://pair?relay=" + URLEncoder.encode(webSocketUrl, StandardCharsets.UTF_8) + "&token=" + token;
  }

  /** The browser phone page paired with {@code token}, from the relay's base URL. */
  public static String chat(String base, String token) {
    String u = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (u.startsWith("ws://")) u = "http://" + u.substring(5);
    else if (u.startsWith("wss://")) u = "https://" + u.substring(6);
    if (u.endsWith("/ws")) u = u.substring(0, u.length() - 3);
    return u + "/chat#token=" + token;
  }

  /** The relay's public WebSocket URL from a base URL ({@code https://relay.example.com} → {@code wss://.../ws}). */
  public static String webSocketUrl(String base) {
    String u = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (u.startsWith("http://")) u = "ws://" + u.substring(7);
    else if (u.startsWith("https://")) u = "wss://" + u.substring(8);
    return u.endsWith("/ws") ? u : u + "/ws";
  }

  static BitMatrix matrix(String text, int size) {
    try {
      return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode a QR code: " + e.getMessage(), e);
    }
  }

  public static String svg(String text) {
    BitMatrix m = matrix(text, 0); // one module per unit; the SVG scales
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        if (m.get(x, y)) path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + m.getWidth() + " " + m.getHeight()
        + "\" width=\"" + m.getWidth() * 8 + "\" height=\"" + m.getHeight() * 8 + "\" shape-rendering=\"crispEdges\">"
        + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
  }

  public static byte[] png(String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MatrixToImageWriter.writeToStream(matrix(text, 400), "PNG", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The QR code drawn with Unicode half blocks, two rows per line, for a terminal. */
  public static String terminal(String text) {
    BitMatrix m = matrix(text, 0);
    StringBuilder out = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y += 2) {
      for (int x = 0; x < m.getWidth(); x++) {
        boolean top = m.get(x, y);
        boolean bottom = y + 1 < m.getHeight() && m.get(x, y + 1);
        // Dark modules print as spaces on a light background would invert on dark terminals; draw light as blocks.
        out.append(!top && !bottom ? '█' : !top ? '▀' : !bottom ? '▄' : ' ');
      }
      out.append('\n');
    }
    return out.toString();
  }
}
