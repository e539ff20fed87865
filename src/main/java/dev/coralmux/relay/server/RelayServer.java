package dev.coralmux.relay.server;

import dev.coralmux.relay.cluster.ClusterNode;
import dev.coralmux.relay.cluster.MasterWatch;
import dev.coralmux.relay.store.TokenStore;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.routing.PresenceDirectory;
import dev.coralmux.relay.invite.InviteStore;
import dev.coralmux.relay.node.NodeState;
import dev.coralmux.relay.metrics.ClusterFigures;
import dev.coralmux.relay.http.HttpDependencies;
import dev.coralmux.relay.edge.EdgeDependencies;
import dev.coralmux.relay.routing.Membership;
import dev.coralmux.relay.cluster.RedisInviteStore;
import dev.coralmux.relay.cluster.RedisLimiter;
import dev.coralmux.relay.cluster.RedisPresenceDirectory;
import dev.coralmux.relay.cluster.RedisScripts;
import dev.coralmux.relay.cluster.RedisTokenStore;
import dev.coralmux.relay.config.ClusterConfig;
import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.edge.EdgeVerticle;
import dev.coralmux.relay.admin.AdminSessions;
import dev.coralmux.relay.admin.LocalAdminSessions;
import dev.coralmux.relay.cluster.RedisAdminSessions;
import dev.coralmux.relay.cluster.RedisWindowLimiters;
import dev.coralmux.relay.limits.FixedWindowLimiter;
import dev.coralmux.relay.limits.WindowLimiter;
import dev.coralmux.relay.logging.LogFeed;
import dev.coralmux.relay.http.HttpApi;
import dev.coralmux.relay.invite.InviteKeys;
import dev.coralmux.relay.logging.AsyncConsoleHandler;
import dev.coralmux.relay.logging.RedactingFormatter;
import dev.coralmux.relay.invite.LocalInviteStore;
import dev.coralmux.relay.limits.LocalLimiter;
import dev.coralmux.relay.limits.KeepingLimiter;
import dev.coralmux.relay.history.History;
import dev.coralmux.relay.history.LocalHistory;
import dev.coralmux.relay.cluster.RedisHistory;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.LocalPresenceDirectory;
import dev.coralmux.relay.store.AtomicFiles;
import dev.coralmux.relay.store.LocalTokenStore;
import dev.coralmux.relay.store.StoreException;
import dev.coralmux.relay.tls.AcmeCertificates;
import dev.coralmux.relay.tls.SelfSignedCertificates;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.PrintStream;
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
    RedactingFormatter.install(); // no whole token in any log line, whoever wrote it
    AsyncConsoleHandler.install(); // an event loop never waits for the console
  }

  private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());
  private static final long STRAGGLER_GRACE_MS = 1_000;

  /**
   * What differs between standalone and cluster mode: the implementations chosen, and the work
   * around closing. Everything else is wired once, in {@link #wire}.
   *
   * @param sessions dashboard sessions: this node's memory, or Redis (valid on every node)
   * @param perIpLimits the HTTP API's per-client-IP limits: node-wide, or cluster-wide in Redis
   * @param beforeClose stops periodic work that needs the worker pool Vert.x is about to close
   * @param afterClose writes what is buffered, once nothing runs any more
   */
  private record Parts(Vertx vertx, String nodeId, boolean clustered, String adminKey, TokenStore store,
                       Limiter limiter, PresenceDirectory presence, History history, InviteStore invites,
                       InviteKeys inviteKeys, RelayMetrics metrics, AdminSessions sessions,
                       WindowLimiter.Factory perIpLimits, Membership membership, NodeState state, Runnable beforeClose,
                       Runnable afterClose) {}

  private final Parts parts;
  private final long drainMs;
  private final List<EdgeVerticle> edges;
  private final int port;
  private final SelfSignedCertificates.Certificate selfSigned;

  private RelayServer(Parts parts, long drainMs, List<EdgeVerticle> edges, SelfSignedCertificates.Certificate selfSigned) {
    this.parts = parts;
    this.drainMs = drainMs;
    this.edges = edges;
    this.port = edges.get(0).actualPort();
    this.selfSigned = selfSigned;
  }

  public static RelayServer start(RelayConfig config, PrintStream out) {
    return start(config, ClusterConfig.disabled(), out);
  }

  /** Starts a node. Blocking (joins the cluster, reads the data directory): call from a main or test thread. */
  public static RelayServer start(RelayConfig config, ClusterConfig cluster, PrintStream out) {
    SelfSignedCertificates.Certificate selfSigned = selfSigned(config);
    Parts parts = cluster.enabled() ? clustered(config, cluster) : standalone(config, out);
    try {
      return new RelayServer(parts, config.drainMs(), wire(config, cluster, parts), selfSigned);
    } catch (RuntimeException e) {
      parts.vertx().close();
      throw e;
    }
  }

  /** Made (or reused) before Vert.x starts: key generation and interface listing block. Null unless in that mode. */
  private static SelfSignedCertificates.Certificate selfSigned(RelayConfig config) {
    if (!config.tls().mode().equals(RelayConfig.Tls.SELF_SIGNED)) return null;
    try {
      AtomicFiles.createPrivateDirectories(config.dataDir());
      SelfSignedCertificates.Certificate c = SelfSignedCertificates.ensure(config.tls());
      LOG.info((c.created() ? "made a new" : "reusing the") + " self-signed certificate " + c.certFile() + " for "
          + c.names() + ", SHA-256 fingerprint " + c.fingerprint());
      return c;
    } catch (Exception e) {
      throw new IllegalStateException("could not make the self-signed certificate in " + config.tls().certFile() + ": " + e, e);
    }
  }

  private static Parts standalone(RelayConfig config, PrintStream out) {
    try {
      AtomicFiles.createPrivateDirectories(config.dataDir()); // 0700: keys, secrets and token hashes live here
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + config.dataDir() + ": " + e, e);
    }
    String adminKey = AdminKeys.resolve(config.adminKey(), config.dataDir(), out, !config.logFormat().equals("json"));
    InviteKeys inviteKeys = new InviteKeys(InviteSecrets.standalone(config.invite().secret(), config.dataDir()));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.edgeInstances()));
    try {
      LocalLimiter limiter = new LocalLimiter(System::currentTimeMillis);
      LocalTokenStore store = LocalTokenStore.open(vertx, config.dataDir(), limiter);
      long flushTimer = vertx.setPeriodic(config.flushIntervalMs(), t -> store.flush()
          .onFailure(e -> LOG.warning("could not write usage counters: " + e.getMessage())));
      RelayMetrics metrics = new RelayMetrics();
      LocalHistory history = StandaloneHistory.load(config, metrics);
      long sweepTimer = vertx.setPeriodic(60_000, t -> history.sweep());
      return new Parts(vertx, UUID.randomUUID().toString(), false, adminKey, store,
          config.history().enabled() ? new KeepingLimiter(limiter, history) : limiter,
          new LocalPresenceDirectory(), history, LocalInviteStore.open(vertx, config.dataDir()), inviteKeys, metrics,
          new LocalAdminSessions(), (name, limit, windowMs) -> new FixedWindowLimiter(limit, windowMs), new Membership(),
          NodeState.standalone(), () -> {
            vertx.cancelTimer(flushTimer);
            vertx.cancelTimer(sweepTimer);
          }, () -> {
            try {
              store.flushBlocking();
            } catch (IOException e) {
              LOG.severe("could not write usage counters at shutdown: " + e.getMessage());
            }
            StandaloneHistory.save(config, history);
          });
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  private static Parts clustered(RelayConfig config, ClusterConfig cluster) {
    if (config.adminKey().isBlank()) {
      throw new ConfigException(List.of("admin_key: cluster mode needs the same admin key on every node; "
          + "set admin_key or RELAY_ADMIN_KEY"));
    }
    InviteKeys inviteKeys = new InviteKeys(InviteSecrets.clustered(config.invite().secret()));
    Membership membership = new Membership();
    ClusterNode.Joined joined = Startup.await(ClusterNode.join(cluster, config.edgeInstances(), membership), "join the cluster");
    Vertx vertx = joined.vertx();
    try {
      Redis redis = ClusterNode.redis(vertx, cluster);
      RelayMetrics metrics = new RelayMetrics();
      metrics.clusterMembers(() -> joined.clusterManager().getNodes().size());
      MasterWatch master = MasterWatch.start(vertx, cluster);
      RedisScripts scripts = new RedisScripts(redis, cluster.redisTimeoutMs(), cluster.redisMaxInFlight(), metrics,
          master::generation);
      Startup.retry(() -> scripts.send(Request.cmd(Command.PING)), "reach Redis at " + cluster.redisEndpoints(),
          cluster.startDeadlineMs());
      RedisLimiter limiter = new RedisLimiter(scripts, metrics);
      vertx.setPeriodic(1_000, t -> limiter.reconcile());
      RedisHistory history = new RedisHistory(scripts, config.history().ttlMs());
      long cursorTimer = vertx.setPeriodic(RedisHistory.CURSOR_FLUSH_MS, t -> history.flushCursors());
      NodeState state = new NodeState(() -> {
        List<String> problems = new java.util.ArrayList<>();
        if (!joined.clusterManager().isActive()) problems.add("not a member of the cluster");
        return scripts.send(Request.cmd(Command.PING)).map(pong -> problems)
            .otherwise(e -> {
              problems.add("Redis does not answer: " + e.getMessage());
              return problems;
            });
      });
      LOG.info("node " + joined.nodeId() + " joined cluster " + cluster.clusterName() + " with "
          + joined.clusterManager().getNodes().size() + " member(s)");
      return new Parts(vertx, joined.nodeId(), true, config.adminKey(), new RedisTokenStore(scripts), limiter,
          new RedisPresenceDirectory(scripts, joined.nodeId(), joined::isMember, cluster.presenceTtlMs()), history,
          new RedisInviteStore(scripts), inviteKeys, metrics, new RedisAdminSessions(scripts),
          new RedisWindowLimiters(scripts, metrics), membership, state, () -> {
            vertx.cancelTimer(cursorTimer);
            Startup.awaitQuietly(history.flushAllCursors(), 2_000); // the last second's cursors
            master.stop(vertx);
          }, () -> { });
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** The one wiring place: the HTTP API once per node, and one edge verticle per event loop on one port. */
  private static List<EdgeVerticle> wire(RelayConfig config, ClusterConfig cluster, Parts p) {
    Vertx vertx = p.vertx();
    ClusterFigures figures = new ClusterFigures();
    LogFeed logs = new LogFeed(p.nodeId(), p.metrics()); // every node's log lines, over the (clustered) event bus
    Startup.await(vertx.deployVerticle(logs), "start the log feed");
    HttpApi api = new HttpApi(vertx, new HttpDependencies(config, p.adminKey(), p.nodeId(), p.clustered(), p.store(),
        p.limiter(), p.presence(), p.invites(), p.inviteKeys(), p.metrics(), p.state(), figures, p.sessions(),
        p.perIpLimits(), logs, System.currentTimeMillis()));
    if (config.metrics().port() != 0) {
      Startup.await(vertx.createHttpServer().requestHandler(api.metricsRouter()).listen(config.metrics().port(), config.host()),
          "serve metrics on port " + config.metrics().port());
    }
    vertx.setPeriodic(1_000, t -> p.metrics().sampleRates());
    figures.start(vertx, p.nodeId(), p.metrics());
    if (config.tls().mode().equals("acme")) {
      try {
        new AcmeCertificates(vertx, config).start(config.host());
      } catch (Exception e) {
        throw new IllegalStateException("could not get a certificate over ACME: " + e.getMessage(), e);
      }
    }
    EdgeBus.registerCodec(vertx);
    EdgeDependencies edgeDeps = new EdgeDependencies(config, p.nodeId(), p.store(), p.limiter(), p.presence(),
        p.history(), p.metrics(), p.membership(), p.state()::draining, cluster.crossNode());
    List<EdgeVerticle> edges = new CopyOnWriteArrayList<>();
    AtomicInteger index = new AtomicInteger();
    // One deployment of N instances: Vert.x shares the listening port among them (also a random one).
    Startup.await(vertx.deployVerticle(() -> {
      EdgeVerticle e = new EdgeVerticle(edgeDeps, index.getAndIncrement(), config.port(), api::router);
      edges.add(e);
      return e;
    }, new DeploymentOptions().setInstances(config.edgeInstances())), "start the edge verticles");
    return edges;
  }

  public int port() {
    return port;
  }

  /** The certificate of {@code tls.mode "self-signed"}, or empty in any other mode. */
  public java.util.Optional<SelfSignedCertificates.Certificate> selfSigned() {
    return java.util.Optional.ofNullable(selfSigned);
  }

  /** This node's id (the cluster node id when clustered). */
  public String nodeId() {
    return parts.nodeId();
  }

  public Vertx vertx() {
    return parts.vertx();
  }

  /**
   * Graceful shutdown (SIGTERM): readiness goes false and new WebSockets are refused, open ones are
   * closed with 1001 "going away" spread over the drain window (so their clients reconnect to other
   * replicas gradually), each leaving the presence directory as it goes; then {@link #stop()}.
   * Blocking.
   */
  public void drainAndStop() {
    parts.state().startDraining();
    long window = drainMs;
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
    parts.beforeClose().run();
    try {
      parts.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Vert.x did not close cleanly", e);
    }
    parts.afterClose().run();
  }
}
