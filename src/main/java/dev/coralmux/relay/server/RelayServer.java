package dev.coralmux.relay.server;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.edge.EdgeVerticle;
import dev.coralmux.relay.http.HttpApi;
import dev.coralmux.relay.limits.LocalLimiter;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.LocalPresenceDirectory;
import dev.coralmux.relay.store.LocalTokenStore;
import dev.coralmux.relay.store.StoreException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running relay node: the Vert.x instance, its shared services and one edge verticle per event
 * loop, all on one port. {@code serve} and the tests start it the same way.
 */
public final class RelayServer {
  static {
    // One readable line per log record, unless the operator configured logging otherwise.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
  }

  private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());

  private final Vertx vertx;
  private final RelayServices services;
  private final LocalTokenStore store;
  private final int port;
  private final long flushTimer;

  private RelayServer(Vertx vertx, RelayServices services, LocalTokenStore store, int port, long flushTimer) {
    this.vertx = vertx;
    this.services = services;
    this.store = store;
    this.port = port;
    this.flushTimer = flushTimer;
  }

  /** Starts a standalone node. Blocking (reads the data directory): call from a main or test thread. */
  public static RelayServer start(RelayConfig config, PrintStream out) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + config.dataDir() + ": " + e, e);
    }
    String adminKey = AdminKeys.resolve(config.adminKey(), config.dataDir(), out);
    int instances = config.edgeInstances();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
    try {
      EdgeBus.registerCodec(vertx);
      LocalLimiter limiter = new LocalLimiter(System::currentTimeMillis);
      LocalTokenStore store = LocalTokenStore.open(vertx, config.dataDir(), limiter);
      RelayServices services = new RelayServices(config, adminKey, UUID.randomUUID().toString(), store, limiter,
          new LocalPresenceDirectory(), new RelayMetrics(), System.currentTimeMillis());

      // One deployment of N instances: Vert.x shares the listening port among them (also a random one).
      List<EdgeVerticle> edges = new CopyOnWriteArrayList<>();
      AtomicInteger index = new AtomicInteger();
      await(vertx.deployVerticle(() -> {
        EdgeVerticle e = new EdgeVerticle(services, index.getAndIncrement(), config.port(),
            () -> HttpApi.router(vertx, services));
        edges.add(e);
        return e;
      }, new DeploymentOptions().setInstances(instances)));
      int port = edges.get(0).actualPort();

      long flushTimer = vertx.setPeriodic(config.flushIntervalMs(), t -> store.flush()
          .onFailure(e -> LOG.warning("could not write usage counters: " + e.getMessage())));
      return new RelayServer(vertx, services, store, port, flushTimer);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("relay failed to start: " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("relay failed to start: " + e, e);
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

  /** Stops serving, then writes the usage counters. Blocking: call from a main, hook or test thread. */
  public void stop() {
    vertx.cancelTimer(flushTimer);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Vert.x did not close cleanly", e);
    }
    try {
      store.flushBlocking();
    } catch (IOException e) {
      LOG.severe("could not write usage counters at shutdown: " + e.getMessage());
    }
  }
}
