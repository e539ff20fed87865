package dev.coralmux.relay.server;

import dev.coralmux.relay.cluster.ClusterNode;
import dev.coralmux.relay.cluster.Membership;
import dev.coralmux.relay.cluster.RedisInviteStore;
import dev.coralmux.relay.cluster.RedisLimiter;
import dev.coralmux.relay.cluster.RedisPresenceDirectory;
import dev.coralmux.relay.cluster.RedisScripts;
import dev.coralmux.relay.cluster.RedisTokenStore;
import dev.coralmux.relay.config.ClusterConfig;
import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.edge.EdgeVerticle;
import dev.coralmux.relay.http.AdminSessions;
import dev.coralmux.relay.http.HttpApi;
import dev.coralmux.relay.invite.LocalInviteStore;
import dev.coralmux.relay.limits.LocalLimiter;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.LocalPresenceDirectory;
import dev.coralmux.relay.store.LocalTokenStore;
import dev.coralmux.relay.store.StoreException;
import dev.coralmux.relay.tls.AcmeCertificates;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running relay node: the Vert.x instance, its shared services and one edge verticle per event
 * loop, all on one port. Standalone (local store, local event bus) or clustered (Redis, Hazelcast);
 * {@code serve} and the tests start it the same way.
 */
public final class RelayServer {
  static {
    // One readable line per log record, unless the operator configured logging otherwise.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
  }

  private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());
  private static final long STRAGGLER_GRACE_MS = 1_000;

  private final Vertx vertx;
  private final RelayServices services;
  private final List<EdgeVerticle> edges;
  private final int port;
  private final Runnable beforeClose;
  private final Runnable afterClose;

  /**
   * @param beforeClose stops periodic work that needs the worker pool Vert.x is about to close
   * @param afterClose writes what is buffered, once nothing runs any more
   */
  private RelayServer(Vertx vertx, RelayServices services, List<EdgeVerticle> edges, Runnable beforeClose,
                      Runnable afterClose) {
    this.vertx = vertx;
    this.services = services;
    this.edges = edges;
    this.port = edges.get(0).actualPort();
    this.beforeClose = beforeClose;
    this.afterClose = afterClose;
  }

  public static RelayServer start(RelayConfig config, PrintStream out) {
    return start(config, ClusterConfig.disabled(), out);
  }

  /** Starts a node. Blocking (joins the cluster, reads the data directory): call from a main or test thread. */
  public static RelayServer start(RelayConfig config, ClusterConfig cluster, PrintStream out) {
    return cluster.enabled() ? startClustered(config, cluster) : startStandalone(config, out);
  }

  private static RelayServer startStandalone(RelayConfig config, PrintStream out) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + config.dataDir() + ": " + e, e);
    }
    String adminKey = AdminKeys.resolve(config.adminKey(), config.dataDir(), out);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.edgeInstances()));
    try {
      LocalLimiter limiter = new LocalLimiter(System::currentTimeMillis);
      LocalTokenStore store = LocalTokenStore.open(vertx, config.dataDir(), limiter);
      RelayServices services = new RelayServices(config, adminKey, UUID.randomUUID().toString(), false, store,
          limiter, new LocalPresenceDirectory(), new LocalInviteStore(), new RelayMetrics(), new Membership(), NodeState.standalone(), new ClusterFigures(), new AdminSessions(),
          System.currentTimeMillis());
      List<EdgeVerticle> edges = deployEdges(vertx, services);
      long flushTimer = vertx.setPeriodic(config.flushIntervalMs(), t -> store.flush()
          .onFailure(e -> LOG.warning("could not write usage counters: " + e.getMessage())));
      return new RelayServer(vertx, services, edges, () -> vertx.cancelTimer(flushTimer), () -> {
        try {
          store.flushBlocking();
        } catch (IOException e) {
          LOG.severe("could not write usage counters at shutdown: " + e.getMessage());
        }
      });
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  private static RelayServer startClustered(RelayConfig config, ClusterConfig cluster) {
    if (config.adminKey().isBlank()) {
      throw new ConfigException(List.of("admin_key: cluster mode needs the same admin key on every node; "
          + "set admin_key or RELAY_ADMIN_KEY"));
    }
    Membership membership = new Membership();
    ClusterNode.Joined joined = await(ClusterNode.join(cluster, config.edgeInstances(), membership), "join the cluster");
    Vertx vertx = joined.vertx();
    try {
      Redis redis = ClusterNode.redis(vertx, cluster);
      RelayMetrics metrics = new RelayMetrics();
      metrics.clusterMembers(() -> joined.clusterManager().getNodes().size());
      RedisScripts scripts = new RedisScripts(redis, cluster.redisTimeoutMs(), metrics);
      await(scripts.send(Request.cmd(Command.PING)), "reach Redis at " + cluster.redisEndpoints());
      RedisLimiter limiter = new RedisLimiter(scripts, metrics);
      NodeState state = new NodeState(() -> {
        List<String> problems = new java.util.ArrayList<>();
        if (!joined.clusterManager().isActive()) problems.add("not a member of the cluster");
        return scripts.send(Request.cmd(Command.PING)).map(pong -> problems)
            .otherwise(e -> {
              problems.add("Redis does not answer: " + e.getMessage());
              return problems;
            });
      });
      RelayServices services = new RelayServices(config, config.adminKey(), joined.nodeId(), true,
          new RedisTokenStore(scripts), limiter, new RedisPresenceDirectory(scripts, joined.nodeId(), joined::isMember),
          new RedisInviteStore(scripts),
          metrics, membership, state, new ClusterFigures(), new AdminSessions(), System.currentTimeMillis());
      List<EdgeVerticle> edges = deployEdges(vertx, services);
      vertx.setPeriodic(1_000, t -> limiter.reconcile());
      LOG.info("node " + joined.nodeId() + " joined cluster " + cluster.clusterName() + " with "
          + joined.clusterManager().getNodes().size() + " member(s)");
      return new RelayServer(vertx, services, edges, () -> { }, () -> { });
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** One deployment of N edge instances: Vert.x shares the listening port among them (also a random one). */
  /** A separate listener for {@code /metrics} when {@code metrics.port} is set (e.g. scraped only inside the cluster). */
  private static void serveMetricsPort(Vertx vertx, RelayServices services) {
    int port = services.config().metrics().port();
    if (port == 0) return;
    io.vertx.ext.web.Router r = io.vertx.ext.web.Router.router(vertx);
    HttpApi.metricsRoute(r, services);
    await(vertx.createHttpServer().requestHandler(r).listen(port, services.config().host()), "serve metrics on port " + port);
  }

  private static List<EdgeVerticle> deployEdges(Vertx vertx, RelayServices services) {
    serveMetricsPort(vertx, services);
    vertx.setPeriodic(1_000, t -> services.metrics().sampleRates());
    services.figures().start(vertx, services.nodeId(), services.metrics());
    if (services.config().tls().mode().equals("acme")) {
      try {
        new AcmeCertificates(vertx, services.config()).start(services.config().host());
      } catch (Exception e) {
        throw new IllegalStateException("could not get a certificate over ACME: " + e.getMessage(), e);
      }
    }
    EdgeBus.registerCodec(vertx);
    List<EdgeVerticle> edges = new CopyOnWriteArrayList<>();
    AtomicInteger index = new AtomicInteger();
    await(vertx.deployVerticle(() -> {
      EdgeVerticle e = new EdgeVerticle(services, index.getAndIncrement(), services.config().port(),
          () -> HttpApi.router(vertx, services));
      edges.add(e);
      return e;
    }, new DeploymentOptions().setInstances(services.config().edgeInstances())), "start the edge verticles");
    return edges;
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("could not " + what + ": " + e, e);
    }
  }

  public int port() {
    return port;
  }

  public RelayServices services() {
    return services;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful shutdown (SIGTERM): readiness goes false and new WebSockets are refused, open ones are
   * closed with 1001 "going away" spread over the drain window (so their clients reconnect to other
   * replicas gradually), each leaving the presence directory as it goes; then {@link #stop()}.
   * Blocking.
   */
  public void drainAndStop() {
    services.state().startDraining();
    long window = services.config().drainMs();
    List<Future<Void>> drains = new java.util.ArrayList<>();
    for (EdgeVerticle e : edges) drains.add(e.drain(window));
    try {
      Future.all(drains).toCompletionStage().toCompletableFuture().get(window + 10_000, TimeUnit.MILLISECONDS);
      // Peers hear "offline" as each connection closes; messages they sent just before that are
      // still on their way here. Keep the edges up a moment so those are bounced to their senders
      // rather than lost with the node.
      Thread.sleep(STRAGGLER_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warning("drain did not finish cleanly: " + e);
    }
    stop();
  }

  /** Stops serving (closing every connection with 1001), leaves the cluster, writes what is buffered. Blocking. */
  public void stop() {
    beforeClose.run();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Vert.x did not close cleanly", e);
    }
    afterClose.run();
  }
}
