package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.EdgeMessage;
import dev.coralmux.relay.server.RelayServices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One event loop's share of the relay: an HTTP server on the shared port (the API plus
 * {@code /ws}), the connections it accepted, and one event-bus consumer through which every
 * message for those connections arrives — from this node or another. One consumer per verticle,
 * not per connection: per-connection clustered registrations do not scale (see DESIGN.md).
 */
public final class EdgeVerticle extends VerticleBase {
  private static final AtomicLong CONNECTION_IDS = new AtomicLong();
  private static final long SWEEP_INTERVAL_MS = 1_000;

  private final RelayServices services;
  private final int index;
  private final int port;
  private final Function<Handler<ServerWebSocket>, Router> routerFactory;
  private final Map<Long, Connection> connections = new HashMap<>();
  private String address;
  private EdgeBus bus;
  private HttpServer server;
  private MessageConsumer<EdgeMessage> consumer;
  private long sweepTimer = -1;
  private long lastHeartbeatAt;

  /**
   * @param routerFactory builds the HTTP routes, given the handler for accepted WebSockets
   */
  public EdgeVerticle(RelayServices services, int index, int port,
                      Function<Handler<ServerWebSocket>, Router> routerFactory) {
    this.services = services;
    this.index = index;
    this.port = port;
    this.routerFactory = routerFactory;
  }

  @Override
  public Future<?> start() {
    address = EdgeBus.edgeAddress(services.nodeId(), index);
    bus = new EdgeBus(vertx, services.presence());
    lastHeartbeatAt = System.currentTimeMillis();
    consumer = vertx.eventBus().consumer(address, this::onBusMessage);
    RelayConfig config = services.config();
    int hardMax = (int) config.websocket().hardMaxMessageBytes();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setMaxWebSocketFrameSize(hardMax)
        .setMaxWebSocketMessageSize(hardMax)
        .setTcpNoDelay(true);
    server = vertx.createHttpServer(options).requestHandler(routerFactory.apply(this::accept));
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, t -> sweep());
    return consumer.completion().compose(v -> server.listen());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return server.close().compose(v -> consumer.unregister());
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void accept(ServerWebSocket ws) {
    services.metrics().socketOpened();
    Connection c = new Connection(this, ws, CONNECTION_IDS.incrementAndGet());
    connections.put(c.id, c);
    c.start();
  }

  void forget(Connection c) {
    if (connections.remove(c.id) != null) services.metrics().socketClosed();
  }

  private void onBusMessage(Message<EdgeMessage> msg) {
    EdgeMessage m = msg.body();
    Connection c = connections.get(m.target().connId());
    if (m instanceof EdgeMessage.Close close) {
      if (c != null && c.isFor(close.target())) c.close(close.code(), close.reason());
      if (msg.replyAddress() != null) msg.reply(null);
    } else if (c != null) {
      c.onEdgeMessage(m);
    } else if (m instanceof EdgeMessage.Deliver d) {
      services.metrics().undelivered(DropReason.PEER_GONE);
      bus.send(new EdgeMessage.Bounce(d.sender(), d.messageId(), ErrorCode.PEER_OFFLINE,
          "your peer disconnected before the message arrived", -1));
    }
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    boolean heartbeatDue = now - lastHeartbeatAt >= services.config().websocket().heartbeatIntervalMs();
    if (heartbeatDue) lastHeartbeatAt = now;
    // Copy: a sweep may close connections, which removes them from the map.
    for (Connection c : new ArrayList<>(connections.values())) c.sweep(now, heartbeatDue);
  }

  // ---------------------------------------------------------------- for Connection

  long now() {
    return System.currentTimeMillis();
  }

  Vertx vertx() {
    return vertx;
  }

  RelayServices services() {
    return services;
  }

  RelayConfig relayConfig() {
    return services.config();
  }

  RelayMetrics metrics() {
    return services.metrics();
  }

  String address() {
    return address;
  }

  void send(EdgeMessage m) {
    bus.send(m);
  }

  Future<Void> requestClose(EdgeMessage.Close close) {
    return bus.requestClose(close);
  }
}
