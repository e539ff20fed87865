package dev.coralmux.relay.edge;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.http.impl.websocket.WebSocketImplBase;

/**
 * The two places the relay reaches below Vert.x's public API, kept together so an upgrade has one
 * file to check.
 */
final class VertxInternals {
  private VertxInternals() {}

  /**
   * A text frame from the UTF-8 bytes a client sent. The public API only makes text frames from
   * Strings, which would mean decoding and re-encoding every forwarded message.
   */
  static WebSocketFrame textFrame(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }

  /**
   * Drops the TCP connection at once. A graceful close sends a close frame and waits for the
   * answer; a client that reads nothing never lets that frame out, so it must be cut.
   */
  static void forceClose(ServerWebSocket ws) {
    if (ws instanceof WebSocketImplBase<?> impl) {
      impl.channelHandlerContext().channel().close();
    }
  }
}
