package dev.coralmux.relay.cluster;

import dev.coralmux.relay.metrics.RelayMetrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/** A Lua script run with EVALSHA, falling back to EVAL (which caches it) when Redis does not know it yet. */
public final class RedisScripts {
  private final Redis redis;
  private final long timeoutMs;
  private final RelayMetrics metrics;
  private final OrderedRedis ordered;

  /** Script calls unanswered on one event loop's ordered connection when {@code redis.max_in_flight} is not set. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 2_048;

  public RedisScripts(Redis redis, long timeoutMs, RelayMetrics metrics) {
    this(redis, timeoutMs, DEFAULT_MAX_IN_FLIGHT, metrics, () -> 0);
  }

  /**
   * @param maxInFlight script calls one event loop may have unanswered on its ordered connection (see {@link OrderedRedis})
   * @param masterGeneration grows when Sentinel names another master ({@link MasterWatch#generation()})
   */
  public RedisScripts(Redis redis, long timeoutMs, int maxInFlight, RelayMetrics metrics,
                      java.util.function.LongSupplier masterGeneration) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    this.metrics = metrics;
    this.ordered = new OrderedRedis(redis, timeoutMs, maxInFlight, metrics, masterGeneration);
  }

  /** A script from {@code src/main/resources/redis/NAME.lua}. */
  public record Script(String source, String sha) {
    public static Script load(String name) {
      try (InputStream in = RedisScripts.class.getResourceAsStream("/redis/" + name + ".lua")) {
        if (in == null) throw new IllegalStateException("missing script " + name);
        String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        return new Script(source, sha);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public Future<Response> run(Script script, String[] keys, Object... args) {
    return send(request(Command.EVALSHA, script.sha(), keys, args)).recover(e -> {
      if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
        return send(request(Command.EVAL, script.source(), keys, args));
      }
      return Future.failedFuture(e);
    });
  }

  /**
   * A script call run by Redis after every earlier {@code runInOrder} call made on this event loop
   * (pipelined on the loop's own connection, see {@link OrderedRedis}); elsewhere, a plain {@link #run}.
   * Fails at once with {@link OrderedRedis.Overloaded} when the connection has its bound of calls
   * unanswered ({@link #overloaded}), and with a timeout after the configured time.
   */
  public Future<Response> runInOrder(Script script, String[] keys, Object... args) {
    if (!OrderedRedis.available()) return run(script, keys, args);
    long start = System.nanoTime();
    return ordered.eval(script, request(Command.EVALSHA, script.sha(), keys, args))
        .onComplete(ar -> metrics.redisLatency(System.nanoTime() - start));
  }

  /**
   * Any command on this event loop's kept connection, pipelined behind its earlier calls and bounded
   * like them ({@link OrderedRedis}); elsewhere, a plain {@link #send}. For the hot path's other calls
   * (history reads, cursors): the pool runs one command per connection at a time and queues the rest
   * without bound, so after a stall its queue can outgrow what it drains and hold every later call.
   */
  public Future<Response> sendInOrder(Request request) {
    if (!OrderedRedis.available()) return send(request);
    long start = System.nanoTime();
    return ordered.send(request).onComplete(ar -> metrics.redisLatency(System.nanoTime() - start));
  }

  /** The milliseconds after which to retry when {@code e} is a call refused for overload, else -1. */
  public static long overloaded(Throwable e) {
    return e instanceof OrderedRedis.Overloaded o ? o.retryAfterMs : -1;
  }

  /** Any command, failing after the configured timeout rather than waiting on a dead server. */
  public Future<Response> send(Request request) {
    long start = System.nanoTime();
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onComplete(ar -> metrics.redisLatency(System.nanoTime() - start));
  }

  private static Request request(Command cmd, String scriptOrSha, String[] keys, Object[] args) {
    Request r = Request.cmd(cmd).arg(scriptOrSha).arg(keys.length);
    for (String k : keys) r.arg(k);
    for (Object a : args) {
      if (a instanceof byte[] bytes) r.arg(bytes); // a frame, byte for byte
      else if (a instanceof Long n) r.arg(n.longValue()); // its digits straight to bytes, no String between
      else if (a instanceof Integer n) r.arg(n.intValue());
      else r.arg(String.valueOf(a));
    }
    return r;
  }
}
