package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.history.HistoryBusy;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The history's hot-path calls (reads, cursor writes) when Redis stalls, on a real Redis frozen
 * with SIGSTOP: they are bounded like the limit checks (refused at once past the bound, never
 * queued behind a stalled server), and a cursor write still under way is not started a second
 * time by the next flush — a stall must not leave a backlog that outgrows what Redis answers.
 */
class HistoryRedisStallTest {
  /** Longer than any test waits: nothing here may end by a caller's timeout. */
  private static final long TIMEOUT_MS = 120_000;

  private final Vertx vertx = Vertx.vertx();
  /** One event loop for every call, as a connection's calls are (the kept connection is per event loop). */
  private final Context loop = vertx.getOrCreateContext();
  private final RedisServer server = RedisServer.start();

  @AfterEach
  void stop() throws Exception {
    try {
      server.close(); // kills a paused server too
    } finally {
      vertx.close();
    }
  }

  private RedisScripts scripts(int maxInFlight) {
    return new RedisScripts(Redis.createClient(vertx, server.url()), TIMEOUT_MS, maxInFlight, new RelayMetrics(), () -> 0);
  }

  /** Runs {@code call} on the test's event loop. */
  private <T> Future<T> onLoop(Supplier<Future<T>> call) {
    Promise<T> p = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private String redis(RedisScripts r, Command c, Object... args) throws Exception {
    Request req = Request.cmd(c);
    for (Object a : args) req.arg(String.valueOf(a));
    return String.valueOf(await(r.send(req)));
  }

  /** How many EVALSHA calls Redis ran since its stats were reset. */
  private long evalshaCalls(RedisScripts r) throws Exception {
    for (String line : redis(r, Command.INFO, "commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:calls=")) return Long.parseLong(line.substring(22, line.indexOf(',')));
    }
    return 0;
  }

  @Test
  void historyReadsPastTheBoundAreRefusedAtOnceNotQueuedBehindAStalledRedis() throws Exception {
    RedisScripts redis = scripts(4);
    RedisHistory history = new RedisHistory(redis, 60_000);
    await(onLoop(() -> history.read("h", Role.PHONE, 0, 10))); // the event loop's connection is open
    server.pause();
    List<Future<?>> reads = new ArrayList<>();
    for (int i = 0; i < 4; i++) reads.add(onLoop(() -> history.read("h", Role.PHONE, 0, 10)));
    Future<?> fifth = onLoop(() -> history.read("fifth", Role.PHONE, 0, 10));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(fifth::isComplete);
    assertTrue(fifth.failed(), "a read past the bound is refused, not answered, while Redis is frozen");
    HistoryBusy busy = assertInstanceOf(HistoryBusy.class, fifth.cause(), "refused for overload, not an outage");
    assertTrue(busy.retryAfterMs() > 0, "with a time to read again");
    assertTrue(reads.stream().noneMatch(Future::isComplete), "the four within the bound wait for Redis");
    server.resume();
    for (Future<?> read : reads) assertInstanceOf(List.class, await(read), "answered once Redis is back");
  }

  @Test
  void aCursorWriteUnderWayIsNotStartedAgainByTheNextFlush() throws Exception {
    RedisScripts redis = scripts(RedisScripts.DEFAULT_MAX_IN_FLIGHT);
    RedisHistory history = new RedisHistory(redis, 60_000);
    int readers = 10;
    for (int i = 0; i < readers; i++) redis(redis, Command.HSET, RedisKeys.historyMeta("t" + i, "phone"), "cur", 0);
    redis(redis, Command.CONFIG, "RESETSTAT");
    server.pause();
    for (int i = 0; i < readers; i++) history.delivered("t" + i, Role.PHONE, 5);
    Future<Void> first = onLoop(history::flushCursors);
    for (int flush = 0; flush < 5; flush++) { // readers go on and the periodic flush with them, Redis frozen
      long seq = 6 + flush;
      await(onLoop(() -> {
        for (int i = 0; i < readers; i++) history.delivered("t" + i, Role.PHONE, seq);
        history.flushCursors();
        return Future.succeededFuture();
      }));
    }
    server.resume();
    await(first);
    await(onLoop(history::flushAllCursors)); // what moved while the first write was under way
    for (int i = 0; i < readers; i++) {
      assertEquals("10", redis(redis, Command.HGET, RedisKeys.historyMeta("t" + i, "phone"), "cur"), "the latest cursor");
    }
    long calls = evalshaCalls(redis);
    assertTrue(calls <= 2L * readers, "each cursor written at most twice (the write under way, then the latest), not "
        + calls / readers + " times");
  }

  @Test
  void oneFlushWritesMoreCursorsThanTheBoundOfUnansweredCallsInBatches() throws Exception {
    RedisScripts redis = scripts(300);
    RedisHistory history = new RedisHistory(redis, 60_000);
    int readers = 700;
    for (int i = 0; i < readers; i++) {
      redis(redis, Command.HSET, RedisKeys.historyMeta("b" + i, "agent"), "cur", 0);
      history.delivered("b" + i, Role.AGENT, 7);
    }
    await(onLoop(history::flushCursors)); // fails if a write was refused for overload
    for (int i = 0; i < readers; i++) {
      assertEquals("7", redis(redis, Command.HGET, RedisKeys.historyMeta("b" + i, "agent"), "cur"), "cursor " + i);
    }
  }
}
