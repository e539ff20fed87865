package dev.coralmux.relay.edge;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;

/**
 * Outbound frames built from the bytes a client sent. Vert.x's public API only makes text frames
 * from Strings, which would mean decoding and re-encoding every forwarded message; its frame class
 * takes the UTF-8 bytes as they are. Kept in one place because it is not public API.
 */
final class Frames {
  private Frames() {}

  static WebSocketFrame text(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }
}
