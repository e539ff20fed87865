package dev.coralmux.relay.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A bare-bones WebSocket client over a plain socket, for what a well-behaved library will not do:
 * stay silent (never answer pings) or answer them by hand.
 */
public final class RawWebSocket implements AutoCloseable {
  public record Frame(int opcode, byte[] payload) {
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private String responseHead;

  public RawWebSocket(int port) throws IOException {
    this(port, "");
  }

  /** @param extraHeaders more request header lines, each ending in CRLF (e.g. an extension offer) */
  public RawWebSocket(int port, String extraHeaders) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) WsClient.WAIT.toMillis());
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    byte[] nonce = new byte[16];
    new SecureRandom().nextBytes(nonce);
    String req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
        + extraHeaders + "\r\n";
    out.write(req.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
    responseHead = head.toString();
    if (!responseHead.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head);
  }

  /** The relay's answer to the upgrade request, status line and headers. */
  public String responseHead() {
    return responseHead;
  }

  /** Sends only a frame header announcing {@code length} payload bytes (no payload follows yet). */
  public void writeHeaderOnly(int opcode, long length) throws IOException {
    out.write(0x80 | opcode);
    out.write(0x80 | 127);
    for (int i = 7; i >= 0; i--) out.write((int) (length >>> (8 * i)) & 0xff);
    out.write(new byte[4]); // mask
    out.flush();
  }

  /** The next frame from the relay (server frames are unmasked). */
  public Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) len = in.readUnsignedShort();
    else if (len == 127) len = in.readLong();
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }

  /** Every frame until the relay cuts the connection (or the read timeout passes, which fails). */
  public java.util.List<Frame> readUntilCut() throws IOException {
    java.util.List<Frame> frames = new java.util.ArrayList<>();
    try {
      while (true) frames.add(read());
    } catch (java.io.EOFException | java.net.SocketException e) {
      return frames; // cut (FIN or reset): the end of what this client received
    }
  }

  /** Sends one masked frame, as clients must. */
  public void write(int opcode, byte[] payload) throws IOException {
    byte[] mask = new byte[4];
    new SecureRandom().nextBytes(mask);
    out.write(0x80 | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) out.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
    }
    out.write(mask);
    byte[] masked = payload.clone();
    for (int i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
    out.write(masked);
    out.flush();
  }

  public void sendText(String text) throws IOException {
    write(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
