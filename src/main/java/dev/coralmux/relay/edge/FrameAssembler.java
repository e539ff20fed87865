package dev.coralmux.relay.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

/**
 * Turns one socket's frames into whole messages. A message in several frames is collected up to
 * the size limit; past it only counted (the message is refused, memory stays bounded); past the
 * hard cap the connection must go, as Netty does for a single huge frame.
 */
final class FrameAssembler {

  /** A complete client message. {@code oversize}: larger than the limit, so {@code data} was not kept. */
  record Message(Buffer data, long size, boolean binary, boolean oversize) {}

  /** Returned when a fragmented message passed the hard cap. */
  static final Message TOO_BIG = new Message(Buffer.buffer(0), -1, false, true);

  private final long hardMaxBytes;
  private Buffer fragments;
  private long fragmentBytes;
  private boolean fragmentBinary;
  private boolean fragmentOversize;

  FrameAssembler(long hardMaxBytes) {
    this.hardMaxBytes = hardMaxBytes;
  }

  /**
   * @param maxBytes the message size limit that applies now (it changes at authentication)
   * @return the complete message, {@link #TOO_BIG}, or null while a message is still incomplete
   *     (and for control frames, which carry no message)
   */
  Message accept(WebSocketFrame frame, long maxBytes) {
    WebSocketFrameType type = frame.type();
    if (type == WebSocketFrameType.TEXT || type == WebSocketFrameType.BINARY) {
      boolean binary = type == WebSocketFrameType.BINARY;
      if (frame.isFinal()) {
        fragments = null; // a new message ends any unfinished one
        Buffer data = frame.binaryData();
        return new Message(data, data.length(), binary, data.length() > maxBytes);
      }
      fragments = Buffer.buffer();
      fragmentBytes = 0;
      fragmentOversize = false;
      fragmentBinary = binary;
      return append(frame, maxBytes);
    }
    if (type == WebSocketFrameType.CONTINUATION && fragments != null) {
      return append(frame, maxBytes);
    }
    return null; // ping, pong and close prove liveness only; Vert.x answers them itself
  }

  private Message append(WebSocketFrame frame, long maxBytes) {
    Buffer data = frame.binaryData();
    fragmentBytes += data.length();
    if (fragmentBytes > hardMaxBytes) {
      fragments = null;
      return TOO_BIG;
    }
    if (!fragmentOversize && fragmentBytes > maxBytes) {
      fragmentOversize = true;
      fragments = Buffer.buffer(0); // drop what was collected: it will not be forwarded
    }
    if (!fragmentOversize) fragments.appendBuffer(data);
    if (!frame.isFinal()) return null;
    Message whole = new Message(fragments, fragmentBytes, fragmentBinary, fragmentOversize);
    fragments = null;
    return whole;
  }

  /** Bytes held for an unfinished message. */
  long heldBytes() {
    return fragments == null ? 0 : fragments.length();
  }
}
