package dev.coralmux.relay.bench;

import io.vertx.core.http.WebSocketClientOptions;

/**
 * WebSocket client settings shared by every scenario. {@code --deflate} makes the bench offer
 * permessage-deflate as browsers and Python {@code websockets} do (the relay takes it only when
 * {@code websocket.compression} is on), so memory and throughput can be compared both ways.
 */
final class ClientSockets {
  static volatile boolean offerDeflate;

  private ClientSockets() {}

  /** @param source which of {@code sources} local addresses to send from (127.0.0.2…) */
  static WebSocketClientOptions options(int source, int sources) {
    WebSocketClientOptions o = new WebSocketClientOptions().setMaxConnections(1_000_000).setConnectTimeout(30_000)
        .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20)
        .setTryUsePerMessageCompression(offerDeflate);
    if (sources > 1) o.setLocalAddress("127.0.0." + (2 + source)); // ~28k ephemeral ports per source address
    return o;
  }
}
