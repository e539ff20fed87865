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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running relay node: the Vert.x instance, its shared services and one edge verticle per event
 * loop, all on one port. {@code serve} and the tests start it the same way.
 */
public final class RelayServer {
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

      // The first verticle binds (possibly a random port); the others share the port it got.
      EdgeVerticle first = edge(vertx, services, 0, config.port());
      await(vertx.deployVerticle(first));
      int port = first.actualPort();
      for (int i = 1; i < instances; i++) await(vertx.deployVerticle(edge(vertx, services, i, port)));

      long flushTimer = vertx.setPeriodic(config.flushIntervalMs(), t -> store.flush()
          .onFailure(e -> LOG.warning("could not write usage counters: " + e.getMessage())));
      return new RelayServer(vertx, services, store, port, flushTimer);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  private static EdgeVerticle edge(Vertx vertx, RelayServices services, int index, int port) {
    return new EdgeVerticle(services, index, port, ws -> HttpApi.router(vertx, services, ws));
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
