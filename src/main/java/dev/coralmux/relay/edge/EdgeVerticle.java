package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.node.ClientAddress;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.EdgeMessage;
import dev.coralmux.relay.tls.PemCertificates;
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
import java.util.concurrent.TimeUnit;
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
  private static final AtomicLong CONNECTION_IDS = new AtomicLong();
  public static final String WS_PATH = "/ws";

  private final EdgeDependencies deps;
  private final int index;
  private final int port;
  private final Supplier<Router> router;
  private final Map<Long, Connection> connections = new HashMap<>();
  private final UnauthenticatedSockets unauthenticated;
  private String address;
  private String nodePrefix;
  private EdgeBus bus;
  private AuthHandshake handshake;
  private HttpServer server;
  private MessageConsumer<EdgeMessage> consumer;
  private Consumer<String> nodeLeftListener;
  private Consumer<String> nodeBackListener;
  private Reconciler reconciler;
  private SendWindow sendWindow;
  private Receipts receipts;
  private long sweepTimer = -1;
  private long certificateTimer = -1;
  /** Sweeps per heartbeat interval; each pings the connections of one slice of them. */
  private long slices = 1;
  private long sweeps;
  private Promise<Void> allClosed; // set while closing every connection

  /**
   * @param router builds this verticle's HTTP routes (the API); WebSocket upgrades to
   *     {@value #WS_PATH} are handled by the verticle itself
   */
  public EdgeVerticle(EdgeDependencies deps, int index, int port, Supplier<Router> router) {
    this.deps = deps;
    this.index = index;
    this.port = port;
    this.router = router;
    this.unauthenticated = deps.unauthenticated();
  }

  @Override
  public Future<?> start() {
    address = EdgeBus.edgeAddress(deps.nodeId(), index);
    nodePrefix = address.substring(0, address.lastIndexOf('.') + 1);
    bus = new EdgeBus(vertx, deps.presence());
    handshake = new AuthHandshake(deps, bus);
    reconciler = new Reconciler(vertx);
    sendWindow = new SendWindow(deps.crossNode().maxBytes() / Math.max(1, deps.config().edgeInstances()));
    receipts = new Receipts(vertx, address, bus::send);
    consumer = vertx.eventBus().consumer(address, this::onBusMessage);
    nodeLeftListener = id -> context.runOnContext(v -> onNodeLeft(id));
    deps.membership().onNodeLeft(nodeLeftListener);
    nodeBackListener = id -> context.runOnContext(v -> reconciler.reconcile(connections.values()));
    deps.membership().onNodeBack(nodeBackListener);
    RelayConfig config = deps.config();
    int hardMax = (int) config.websocket().hardMaxMessageBytes();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setMaxWebSocketFrameSize(hardMax)
        .setMaxWebSocketMessageSize(hardMax)
        .setTcpNoDelay(true)
        // permessage-deflate is off unless configured: Vert.x 5.1 exposes no cap on inflated
        // bytes (a 300 KB frame can inflate to 300 MiB before the relay sees it), and each
        // compressed socket costs zlib state. When on: no context takeover either way.
        .setPerMessageWebSocketCompressionSupported(config.websocket().compression())
        .setPerFrameWebSocketCompressionSupported(false)
        .setWebSocketAllowServerNoContext(true)
        .setWebSocketPreferredClientNoContext(true)
        // Cleartext HTTP/2 (h2c) is not needed by any client and widens what must be hardened.
        .setHttp2ClearTextEnabled(false)
        // A client gets this long to answer our close frame before Vert.x drops the TCP connection.
        .setWebSocketClosingTimeout(2)
        // The one public way to cut a connection whose close frame cannot even be written (its
        // client reads nothing): Vert.x closes a connection that had nothing written for this
        // long. Live sockets get a ping every heartbeat interval, so only stuck ones reach it.
        .setWriteIdleTimeout((int) writeIdleMs(config.websocket()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (config.tls().enabled()) options.setSsl(true).setKeyCertOptions(PemCertificates.options(config.tls()));
    // Upgrades are taken here, before the router, so the relay holds Vert.x's own socket object
    // (the router would hand out a wrapper); plain HTTP requests to /ws get a 426 from the router.
    server = vertx.createHttpServer(options)
        .webSocketHandshakeHandler(h -> {
          if (!WS_PATH.equals(h.path())) {
            h.reject(404);
          } else if (deps.draining().getAsBoolean()) {
            h.reject(503); // clients go to another replica
          } else if (!unauthenticated.tryAcquire(clientIp(h.remoteAddress(), h.headers().get("X-Forwarded-For")))) {
            h.reject(429); // too many sockets from this client that have not authenticated
          } else {
            h.accept().onFailure(e -> unauthenticated.release(
                clientIp(h.remoteAddress(), h.headers().get("X-Forwarded-For"))));
          }
        })
        .webSocketHandler(this::accept)
        .requestHandler(router.get());
    // Often enough to keep heartbeat and slow-consumer timing within a third of their periods.
    long every = Math.max(50, Math.min(1_000,
        Math.min(config.websocket().heartbeatIntervalMs(), config.websocket().slowConsumerTimeoutMs()) / 3));
    slices = Math.max(1, config.websocket().heartbeatIntervalMs() / every);
    sweepTimer = vertx.setPeriodic(every, t -> sweep());
    Future<Void> certs = config.tls().enabled()
        ? PemCertificates.watch(vertx, server, config.tls()).map(timer -> {
          certificateTimer = timer;
          return null;
        })
        : Future.succeededFuture();
    return consumer.completion().compose(v -> certs).compose(v -> server.listen());
  }

  /** How long a connection may go without a write before the TCP connection is cut. */
  public static long writeIdleMs(RelayConfig.WebSocket ws) {
    return ws.heartbeatIntervalMs() + Math.max(ws.closeGraceMs(), 2_000);
  }

  /**
   * Closes this verticle's connections with 1001 "going away", spread evenly over {@code windowMs}
   * so their clients do not all reconnect at the same instant. Completes when all are closed (a
   * client that does not answer is cut after the close grace).
   */
  public Future<Void> drain(long windowMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> closeAll(windowMs, "going away: relay node shutting down").onComplete(done));
    return done.future();
  }

  /** Closes every connection with 1001 (clients reconnect elsewhere), then stops serving. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    if (certificateTimer >= 0) vertx.cancelTimer(certificateTimer);
    return closeAll(0, "relay shutting down")
        .compose(v -> server.shutdown(Duration.ofSeconds(1)))
        .compose(v -> consumer.unregister())
        .onComplete(v -> {
          deps.membership().removeListener(nodeLeftListener);
          deps.membership().removeListener(nodeBackListener);
        });
  }

  private Future<Void> closeAll(long windowMs, String reason) {
    List<Connection> all = new ArrayList<>(connections.values());
    if (all.isEmpty()) return Future.succeededFuture();
    Promise<Void> closed = Promise.promise();
    allClosed = closed;
    for (int i = 0; i < all.size(); i++) {
      Connection c = all.get(i);
      long at = windowMs * i / all.size();
      if (at == 0) c.close(CloseCodes.GOING_AWAY, reason);
      else vertx.setTimer(at, t -> c.close(CloseCodes.GOING_AWAY, reason));
    }
    // Each close cuts its TCP connection after the grace; this bound only guards against a lost close event.
    vertx.setTimer(windowMs + 2 * deps.config().websocket().closeGraceMs(), t -> closed.tryComplete());
    return closed.future();
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private String clientIp(io.vertx.core.net.SocketAddress peer, String forwardedFor) {
    return ClientAddress.resolve(peer == null ? null : peer.hostAddress(), forwardedFor,
        deps.config().registration().trustedProxies());
  }

  private void accept(ServerWebSocket ws) {
    deps.metrics().socketOpened();
    String ip = clientIp(ws.remoteAddress(), ws.headers().get("X-Forwarded-For"));
    Connection c = new Connection(this, ws, CONNECTION_IDS.incrementAndGet(), () -> unauthenticated.release(ip));
    connections.put(c.id, c);
    c.start();
  }

  void forget(Connection c) {
    if (connections.remove(c.id) != null) deps.metrics().socketClosed();
    if (allClosed != null && connections.isEmpty()) allClosed.tryComplete();
  }

  private void onBusMessage(Message<EdgeMessage> msg) {
    EdgeMessage m = msg.body();
    Connection c = connections.get(m.target().connId());
    if (m instanceof EdgeMessage.Receipts r) {
      onReceipts(r);
    } else if (m instanceof EdgeMessage.Close close) {
      if (c != null && c.isFor(close.target())) c.close(close.code(), close.reason());
      if (msg.replyAddress() != null) msg.reply(null);
    } else if (c != null) {
      c.onEdgeMessage(m);
    } else if (m instanceof EdgeMessage.Deliver d) {
      Outbox.notDelivered(bus::send, deps.metrics(), d);
    }
  }

  private void onReceipts(EdgeMessage.Receipts r) {
    long[] e = r.entries();
    for (int i = 0; i + EdgeMessage.Receipts.ENTRY <= e.length; i += EdgeMessage.Receipts.ENTRY) {
      Connection c = connections.get(e[i]);
      if (c == null || !c.isFor(new ConnRef(address, e[i], e[i + 1]))) continue;
      c.onReceipt(new ConnRef(r.from(), e[i + 2], e[i + 3]), e[i + 4], e[i + 5]);
    }
  }

  /** A cluster member died: every connection whose peer lived there learns the peer is offline. */
  private void onNodeLeft(String nodeId) {
    String prefix = EdgeBus.edgeAddress(nodeId, 0);
    prefix = prefix.substring(0, prefix.length() - 1);
    for (Connection c : new ArrayList<>(connections.values())) c.onPeerNodeLeft(prefix);
  }

  /**
   * Heartbeats are spread over the interval, a slice of the connections per sweep (by id), so that
   * 100,000 pings never go out on one tick and stall everything else on this event loop.
   */
  private void sweep() {
    long now = System.currentTimeMillis();
    long slice = sweeps++ % slices;
    // Copy: a sweep may close connections, which removes them from the map.
    for (Connection c : new ArrayList<>(connections.values())) c.sweep(now, c.id % slices == slice);
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

  EdgeDependencies deps() {
    return deps;
  }

  AuthHandshake handshake() {
    return handshake;
  }

  String address() {
    return address;
  }

  SendWindow sendWindow() {
    return sendWindow;
  }

  Receipts receipts() {
    return receipts;
  }

  void send(EdgeMessage m) {
    bus.send(m);
  }
}
