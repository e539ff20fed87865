package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.EdgeMessage;
import dev.coralmux.relay.server.RelayServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One event loop's share of the relay: an HTTP server on the shared port (the API plus
 * {@code /ws}), the connections it accepted, and one event-bus consumer through which every
 * message for those connections arrives — from this node or another. One consumer per verticle,
 * not per connection: per-connection clustered registrations do not scale (see DESIGN.md).
 */
public final class EdgeVerticle extends VerticleBase {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EdgeVerticle.class.getName());
  private static final AtomicLong CONNECTION_IDS = new AtomicLong();
  private static final short CLOSE_GOING_AWAY = 1001;
  public static final String WS_PATH = "/ws";

  private final RelayServices services;
  private final int index;
  private final int port;
  private final Supplier<Router> router;
  private final Map<Long, Connection> connections = new HashMap<>();
  private String address;
  private String nodePrefix;
  private EdgeBus bus;
  private HttpServer server;
  private MessageConsumer<EdgeMessage> consumer;
  private Consumer<String> nodeLeftListener;
  private long sweepTimer = -1;
  private long lastHeartbeatAt;
  private Promise<Void> allClosed; // set while stopping

  /**
   * @param router builds this verticle's HTTP routes (the API); WebSocket upgrades to
   *     {@value #WS_PATH} are handled by the verticle itself
   */
  public EdgeVerticle(RelayServices services, int index, int port, Supplier<Router> router) {
    this.services = services;
    this.index = index;
    this.port = port;
    this.router = router;
  }

  @Override
  public Future<?> start() {
    address = EdgeBus.edgeAddress(services.nodeId(), index);
    nodePrefix = address.substring(0, address.lastIndexOf('.') + 1);
    bus = new EdgeBus(vertx, services.presence());
    lastHeartbeatAt = System.currentTimeMillis();
    consumer = vertx.eventBus().consumer(address, this::onBusMessage);
    nodeLeftListener = id -> context.runOnContext(v -> onNodeLeft(id));
    services.membership().onNodeLeft(nodeLeftListener);
    RelayConfig config = services.config();
    int hardMax = (int) config.websocket().hardMaxMessageBytes();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setMaxWebSocketFrameSize(hardMax)
        .setMaxWebSocketMessageSize(hardMax)
        .setTcpNoDelay(true)
        // A client gets this long to answer our close frame before Vert.x drops the TCP connection.
        .setWebSocketClosingTimeout(2);
    if (config.tls().enabled()) options.setSsl(true).setKeyCertOptions(pem(config.tls()));
    // Upgrades are taken here, before the router, so the relay holds Vert.x's own socket object
    // (the router would hand out a wrapper); plain HTTP requests to /ws get a 426 from the router.
    server = vertx.createHttpServer(options)
        .webSocketHandshakeHandler(h -> {
          if (!WS_PATH.equals(h.path())) h.reject(404);
          else if (services.state().draining()) h.reject(503); // clients go to another replica
          else h.accept();
        })
        .webSocketHandler(this::accept)
        .requestHandler(router.get());
    // Often enough to keep heartbeat and slow-consumer timing within a third of their periods.
    long every = Math.max(50, Math.min(1_000,
        Math.min(config.websocket().heartbeatIntervalMs(), config.websocket().slowConsumerTimeoutMs()) / 3));
    sweepTimer = vertx.setPeriodic(every, t -> sweep());
    Future<Void> certs = config.tls().enabled() ? watchCertificates(config.tls()) : Future.succeededFuture();
    return consumer.completion().compose(v -> certs).compose(v -> server.listen());
  }

  private static io.vertx.core.net.PemKeyCertOptions pem(RelayConfig.Tls tls) {
    return new io.vertx.core.net.PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile());
  }

  /**
   * Reloads the certificate when its files change (a renewal by certbot or cert-manager): new
   * connections get the new one, open ones keep theirs. Checked with async file stats, so the
   * event loop never waits on the disk.
   */
  private Future<Void> watchCertificates(RelayConfig.Tls tls) {
    long[] loaded = new long[1];
    return certificateStamp(tls).map(first -> {
      loaded[0] = first; // read before listening, so any later change is seen as one
      vertx.setPeriodic(tls.reloadCheckMs(), t -> certificateStamp(tls).onSuccess(stamp -> {
        if (stamp == loaded[0]) return;
        loaded[0] = stamp;
        server.updateSSLOptions(new io.vertx.core.net.ServerSSLOptions().setKeyCertOptions(pem(tls)), true)
            .onSuccess(ok -> LOG.info("TLS certificate reloaded from " + tls.certFile()))
            .onFailure(e -> LOG.warning("TLS certificate reload failed (keeping the old one): " + e.getMessage()));
      }));
      return null;
    });
  }

  /** Changes when either file's modification time changes. */
  private Future<Long> certificateStamp(RelayConfig.Tls tls) {
    return Future.all(vertx.fileSystem().props(tls.certFile()), vertx.fileSystem().props(tls.keyFile()))
        .map(f -> ((io.vertx.core.file.FileProps) f.resultAt(0)).lastModifiedTime() * 31
            + ((io.vertx.core.file.FileProps) f.resultAt(1)).lastModifiedTime());
  }

  /**
   * Closes this verticle's connections with 1001 "going away", spread evenly over {@code windowMs}
   * so their clients do not all reconnect at the same instant. Completes when all are closed.
   */
  public Future<Void> drain(long windowMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      List<Connection> all = new ArrayList<>(connections.values());
      if (all.isEmpty()) {
        done.complete();
        return;
      }
      allClosed = done;
      for (int i = 0; i < all.size(); i++) {
        Connection c = all.get(i);
        long at = 1 + windowMs * i / all.size();
        vertx.setTimer(at, t -> c.close(CLOSE_GOING_AWAY, "going away: relay node shutting down"));
      }
      vertx.setTimer(windowMs + Connection.CLOSE_GRACE_MS, t -> {
        connections.values().forEach(Connection::forceClose);
        done.tryComplete();
      });
    });
    return done.future();
  }

  /** Closes every connection with 1001 (clients reconnect elsewhere), cuts any that do not answer, then stops. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    Promise<Void> closed = Promise.promise();
    for (Connection c : new ArrayList<>(connections.values())) c.close(CLOSE_GOING_AWAY, "relay shutting down");
    if (connections.isEmpty()) {
      closed.complete();
    } else {
      allClosed = closed;
      vertx.setTimer(Connection.CLOSE_GRACE_MS, t -> {
        connections.values().forEach(Connection::forceClose);
        closed.tryComplete();
      });
    }
    return closed.future().compose(v -> server.shutdown(Duration.ofSeconds(1))).compose(v -> consumer.unregister())
        .onComplete(v -> services.membership().removeListener(nodeLeftListener));
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
    if (allClosed != null && connections.isEmpty()) allClosed.tryComplete();
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

  /** A cluster member died: every connection whose peer lived there learns the peer is offline. */
  private void onNodeLeft(String nodeId) {
    String prefix = EdgeBus.edgeAddress(nodeId, 0);
    prefix = prefix.substring(0, prefix.length() - 1);
    for (Connection c : new ArrayList<>(connections.values())) c.onPeerNodeLeft(prefix);
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    boolean heartbeatDue = now - lastHeartbeatAt >= services.config().websocket().heartbeatIntervalMs();
    if (heartbeatDue) lastHeartbeatAt = now;
    // Copy: a sweep may close connections, which removes them from the map.
    for (Connection c : new ArrayList<>(connections.values())) c.sweep(now, heartbeatDue);
  }

  // ---------------------------------------------------------------- for Connection

  /** Whether an edge address belongs to this node. */
  boolean isLocal(String edgeAddress) {
    return edgeAddress.startsWith(nodePrefix);
  }

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

  Future<Boolean> requestClose(EdgeMessage.Close close) {
    return bus.requestClose(close);
  }
}
