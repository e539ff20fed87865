package dev.coralmux.relay.cluster;

import dev.coralmux.relay.metrics.RelayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Script calls that Redis must run in the order they are made: one connection per event loop,
 * taken from the pool and kept. Redis runs a connection's commands in the order they arrive, so a
 * connection (which lives on one event loop) gets its calls run in its own order while they are
 * pipelined — nobody waits for the previous answer. Pooled calls could overtake each other.
 * The hot path's other calls (history reads, cursor writes) use it too, for the bound and the
 * pipelining: the pool runs one command per connection at a time and queues the rest unbounded.
 * A broken connection is replaced by the next call; calls in flight on it fail (the caller
 * decides locally, as for any Redis failure). So is one on a server that turned replica (it
 * answers {@code READONLY}), and, behind Sentinel, every one made before the master changed
 * ({@link MasterWatch}): a kept connection must not stay on the old master.
 *
 * <p><b>Bounded.</b> At most {@code maxInFlight} calls may be unanswered on a connection; one
 * more fails at once with {@link Overloaded} (never queued), which the limiter answers with
 * {@code RATE_LIMITED}. A call's slot is freed when Redis answers it (or its connection ends), not
 * when its caller gave up: a caller that waited {@code timeoutMs} on a connection that answered
 * nothing meanwhile is failed (and decides locally) but its call still occupies Redis, so the
 * bound is what Redis really has queued. One timer per event loop (not one per call) does that.
 */
final class OrderedRedis {

  /** A call refused because this event loop's connection already has its bound of calls unanswered. */
  static final class Overloaded extends RuntimeException {
    final long retryAfterMs;

    Overloaded(int inFlight, long retryAfterMs) {
      super("Redis has " + inFlight + " calls unanswered on this event loop's connection", null, false, false);
      this.retryAfterMs = retryAfterMs;
    }
  }

  /** A call whose caller stopped waiting (Redis may still run it). */
  static final class TimedOut extends RuntimeException {
    TimedOut(long timeoutMs) {
      super("Timeout " + timeoutMs + " (ms) fired", null, false, false);
    }
  }

  private record Pending(Promise<Response> caller, long sentAtNanos) {}

  /** One kept connection, the scripts loaded on it (loaded in line, before their first use) and its unanswered calls. */
  private static final class Line {
    final Future<RedisConnection> connection;
    final Set<String> loaded = new HashSet<>();
    /** In send order, which is the order Redis answers them on one connection. */
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** When Redis last answered a call on this connection. */
    long lastAnswerNanos = System.nanoTime();
    volatile boolean broken;
    final long generation;

    Line(Future<RedisConnection> connection, long generation) {
      this.connection = connection;
      this.generation = generation;
    }
  }

  /** An event loop's current line and its timeout timer. */
  private static final class Lane {
    Line line;
  }

  private final Redis redis;
  private final long timeoutMs;
  private final int maxInFlight;
  private final RelayMetrics metrics;
  private final ThreadLocal<Lane> lanes = new ThreadLocal<>();
  private final LongSupplier masterGeneration;

  /** @param masterGeneration grows when the master changes ({@link MasterWatch#generation()}) */
  OrderedRedis(Redis redis, long timeoutMs, int maxInFlight, RelayMetrics metrics, LongSupplier masterGeneration) {
    this.redis = redis;
    this.masterGeneration = masterGeneration;
    this.timeoutMs = timeoutMs;
    this.maxInFlight = maxInFlight;
    this.metrics = metrics;
  }

  /** Whether the caller runs on an event loop (where the order of its calls is defined). */
  static boolean available() {
    return Context.isOnEventLoopThread();
  }

  Future<Response> eval(RedisScripts.Script script, Request evalsha) {
    Line l = line();
    if (l.pending.size() >= maxInFlight) return overloaded(l);
    boolean load = l.loaded.add(script.sha());
    return call(l, c -> {
      if (load) c.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())); // answered before the call below
      return c.send(evalsha);
    }, error -> {
      if (error.startsWith("NOSCRIPT")) l.loaded.remove(script.sha()); // load again next time
    });
  }

  /** Any command, pipelined behind this event loop's earlier calls, with the same bound and timeout. */
  Future<Response> send(Request request) {
    Line l = line();
    if (l.pending.size() >= maxInFlight) return overloaded(l);
    return call(l, c -> c.send(request), error -> { });
  }

  /** This event loop's connection: the kept one, or a new one when it broke or the master changed. */
  private Line line() {
    Lane lane = lane();
    Line line = lane.line;
    long generation = masterGeneration.getAsLong();
    if (line == null || line.broken || line.connection.failed() || line.generation != generation) {
      if (line != null && line.generation != generation) line.connection.onSuccess(RedisConnection::close); // old master
      Line fresh = new Line(redis.connect(), generation);
      fresh.connection.onSuccess(c -> {
        c.exceptionHandler(e -> fresh.broken = true);
        c.endHandler(v -> fresh.broken = true);
      });
      lane.line = fresh;
      line = fresh;
    }
    return line;
  }

  private static Future<Response> overloaded(Line l) {
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - l.pending.peek().sentAtNanos());
    return Future.failedFuture(new Overloaded(l.pending.size(), Math.max(50, Math.min(1_000, waitedMs))));
  }

  private Future<Response> call(Line l, Function<RedisConnection, Future<Response>> send, Consumer<String> onError) {
    Pending p = new Pending(Promise.promise(), System.nanoTime());
    l.pending.add(p);
    metrics.redisInFlight(1);
    l.connection.compose(send).onComplete(ar -> {
      // Usually the head: a connection answers in order.
      if (l.pending.peek() == p) l.pending.poll(); else l.pending.remove(p);
      l.lastAnswerNanos = System.nanoTime();
      metrics.redisInFlight(-1);
      String error = ar.failed() ? String.valueOf(ar.cause().getMessage()) : "";
      onError.accept(error);
      if (error.startsWith("READONLY")) l.broken = true; // a replica now: the next call finds the master
      if (ar.succeeded()) p.caller().tryComplete(ar.result()); else p.caller().tryFail(ar.cause());
    });
    return p.caller().future();
  }

  /** This event loop's lane, with its timer started on first use. */
  private Lane lane() {
    Lane lane = lanes.get();
    if (lane == null) {
      lane = new Lane();
      lanes.set(lane);
      Lane l = lane;
      Vertx vertx = Vertx.currentContext().owner();
      vertx.setPeriodic(Math.max(20, timeoutMs / 4), t -> failOverdue(l));
    }
    return lane;
  }

  /**
   * When the connection answered nothing for the timeout although calls wait on it, fails the
   * callers that waited that long; their calls keep their slots until Redis answers. A connection
   * that answers, however far behind, is not "down": a busy event loop that reads replies late, or
   * a Redis that is merely slow, is overload, which the bound answers. Only silence is an outage.
   */
  private void failOverdue(Lane lane) {
    Line l = lane.line;
    if (l == null || l.pending.isEmpty()) return;
    long oldest = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    if (l.pending.peek().sentAtNanos() - oldest > 0 || l.lastAnswerNanos - oldest > 0) return;
    TimedOut timedOut = new TimedOut(timeoutMs);
    for (Pending p : l.pending) {
      if (p.sentAtNanos() - oldest > 0) break;
      p.caller().tryFail(timedOut);
    }
  }
}
