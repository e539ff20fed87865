package dev.coralmux.relay.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Script calls that Redis must run in the order they are made: one connection per event loop,
 * taken from the pool and kept. Redis runs a connection's commands in the order they arrive, so a
 * connection (which lives on one event loop) gets its calls run in its own order while they are
 * pipelined — nobody waits for the previous answer. Pooled calls could overtake each other.
 * A broken connection is replaced by the next call; calls in flight on it fail (the caller
 * decides locally, as for any Redis failure). So is one on a server that turned replica (it
 * answers {@code READONLY}), and, behind Sentinel, every one made before the master changed
 * ({@link MasterWatch}): a kept connection must not stay on the old master.
 */
final class OrderedRedis {

  /** One kept connection and the scripts loaded on it (loaded in line, before their first use). */
  private static final class Line {
    final Future<RedisConnection> connection;
    final Set<String> loaded = new HashSet<>();
    final long generation;
    volatile boolean broken;

    Line(Future<RedisConnection> connection, long generation) {
      this.connection = connection;
      this.generation = generation;
    }
  }

  private final Redis redis;
  private final LongSupplier masterGeneration;
  private final ThreadLocal<Line> lines = new ThreadLocal<>();

  /** @param masterGeneration grows when the master changes ({@link MasterWatch#generation()}) */
  OrderedRedis(Redis redis, LongSupplier masterGeneration) {
    this.redis = redis;
    this.masterGeneration = masterGeneration;
  }

  /** Whether the caller runs on an event loop (where the order of its calls is defined). */
  static boolean available() {
    return Context.isOnEventLoopThread();
  }

  Future<Response> eval(RedisScripts.Script script, Request evalsha) {
    Line line = lines.get();
    long generation = masterGeneration.getAsLong();
    if (line == null || line.broken || line.connection.failed() || line.generation != generation) {
      if (line != null && line.generation != generation) line.connection.onSuccess(RedisConnection::close); // old master
      Line fresh = new Line(redis.connect().onSuccess(c -> {
        c.exceptionHandler(e -> markBroken());
        c.endHandler(v -> markBroken());
      }), generation);
      lines.set(fresh);
      line = fresh;
    }
    Line l = line;
    boolean load = l.loaded.add(script.sha());
    return l.connection.compose(c -> {
      if (load) c.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())); // answered before the call below
      return c.send(evalsha).onFailure(e -> {
        String error = String.valueOf(e.getMessage());
        if (error.startsWith("NOSCRIPT")) l.loaded.remove(script.sha()); // load again next time
        if (error.startsWith("READONLY")) l.broken = true; // a replica now: the next call finds the master
      });
    });
  }

  private void markBroken() {
    Line l = lines.get();
    if (l != null) l.broken = true;
  }
}
