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

/**
 * Script calls that Redis must run in the order they are made: one connection per event loop,
 * taken from the pool and kept. Redis runs a connection's commands in the order they arrive, so a
 * connection (which lives on one event loop) gets its calls run in its own order while they are
 * pipelined — nobody waits for the previous answer. Pooled calls could overtake each other.
 * A broken connection is replaced by the next call; calls in flight on it fail (the caller
 * decides locally, as for any Redis failure).
 */
final class OrderedRedis {

  /** One kept connection and the scripts loaded on it (loaded in line, before their first use). */
  private static final class Line {
    final Future<RedisConnection> connection;
    final Set<String> loaded = new HashSet<>();
    volatile boolean broken;

    Line(Future<RedisConnection> connection) {
      this.connection = connection;
    }
  }

  private final Redis redis;
  private final ThreadLocal<Line> lines = new ThreadLocal<>();

  OrderedRedis(Redis redis) {
    this.redis = redis;
  }

  /** Whether the caller runs on an event loop (where the order of its calls is defined). */
  static boolean available() {
    return Context.isOnEventLoopThread();
  }

  Future<Response> eval(RedisScripts.Script script, Request evalsha) {
    Line line = lines.get();
    if (line == null || line.broken || line.connection.failed()) {
      Line fresh = new Line(redis.connect().onSuccess(c -> {
        c.exceptionHandler(e -> markBroken());
        c.endHandler(v -> markBroken());
      }));
      lines.set(fresh);
      line = fresh;
    }
    Line l = line;
    boolean load = l.loaded.add(script.sha());
    return l.connection.compose(c -> {
      if (load) c.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())); // answered before the call below
      return c.send(evalsha).onFailure(e -> {
        if (String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) l.loaded.remove(script.sha()); // load again next time
      });
    });
  }

  private void markBroken() {
    Line l = lines.get();
    if (l != null) l.broken = true;
  }
}
