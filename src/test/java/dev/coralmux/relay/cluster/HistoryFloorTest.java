package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.history.Entry;
import dev.coralmux.relay.history.HistoryBounds;
import dev.coralmux.relay.history.Keep;
import dev.coralmux.relay.history.ReplayStart;
import dev.coralmux.relay.limits.Decision;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.limits.RateClass;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.support.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * limit.lua's floor on real Redis servers: a replica is promoted while its old master still takes
 * writes (as a requested Sentinel failover does for about a second), so the promoted counter is
 * behind what the sender was given. With the sender's floor the next message is numbered above
 * it, not again from the counter; history_open still counts only real messages across the
 * numbers skipped; a history the new master never had starts at the clock as before.
 */
class HistoryFloorTest {
  private static final HistoryBounds BOUNDS = new HistoryBounds(1_000, 1 << 20, 60_000);
  private static final ConnRef SENDER = new ConnRef("node", 1, 1);

  private final Vertx vertx = Vertx.vertx();
  private final List<RedisServer> servers = new ArrayList<>();

  /** One server's client: the limit script and the history's reading side. */
  private record Node(RedisServer server, RedisScripts redis, RedisLimiter limiter, RedisHistory history) {}

  private Node node() {
    RedisServer server = RedisServer.start();
    servers.add(server);
    RedisScripts redis = new RedisScripts(Redis.createClient(vertx, server.url()), 5_000, new RelayMetrics());
    return new Node(server, redis, new RedisLimiter(redis, new RelayMetrics()), new RedisHistory(redis, 60_000));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (RedisServer r : servers) r.close();
    } finally {
      vertx.close();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String cmd(Node n, Command c, Object... args) throws Exception {
    Request r = Request.cmd(c);
    for (Object a : args) r.arg(String.valueOf(a));
    return String.valueOf(await(n.redis().send(r)));
  }

  private static Decision keep(Node n, String hash, String id, long floor) throws Exception {
    byte[] frame = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    Decision d = await(n.limiter().check(hash, RateClass.AGENT_STREAM, Limits.PROTOCOL_DEFAULTS, frame.length,
        new Keep(Role.PHONE, id, frame, SENDER, false, BOUNDS, floor)));
    assertTrue(d.seq() > 0, () -> id + " was kept: " + d);
    return d;
  }

  /** A replica of {@code master} with everything written so far, then promoted: the old master goes on alone. */
  private Node promotedReplicaOf(Node master) throws Exception {
    Node replica = node();
    cmd(master, Command.CONFIG, "SET", "repl-diskless-sync-delay", 0);
    cmd(replica, Command.CONFIG, "SET", "repl-diskless-load", "on-empty-db"); // no file written
    cmd(replica, Command.REPLICAOF, "127.0.0.1", master.server().port);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> cmd(master, Command.WAIT, 1, 1_000).equals("1"));
    cmd(replica, Command.REPLICAOF, "NO", "ONE");
    return replica;
  }

  @Test
  void aPromotedCounterBehindTheSendersFloorNumbersAboveTheFloor() throws Exception {
    Node old = node();
    long s = keep(old, "h", "m1", 0).seq();
    Node promoted = promotedReplicaOf(old);
    assertEquals(s + 1, keep(old, "h", "m2", s).seq(), "the old master still takes writes, lost later");
    assertEquals(s + 2, keep(old, "h", "m3", s + 1).seq(), "numbers grow by one while the floor is behind the counter");

    assertEquals(s + 3, keep(promoted, "h", "m4", s + 2).seq(), "above what the sender (and its reader) had, not s + 1 again");
    assertEquals(s + 4, keep(promoted, "h", "m5", s + 3).seq());
    Decision again = keep(promoted, "h", "m4", s + 4);
    assertTrue(again.duplicate());
    assertEquals(s + 3, again.seq());

    List<Entry> afterM1 = await(promoted.history().read("h", Role.PHONE, s, 10));
    assertEquals(List.of(s + 3, s + 4), afterM1.stream().map(Entry::seq).toList());
    ReplayStart fromM1 = await(promoted.history().open("h", Role.PHONE, true, "m1"));
    assertEquals(2, fromM1.count(), "the numbers skipped are not counted as messages to replay");
    assertEquals(s + 4, fromM1.head());
    assertEquals(3, await(promoted.history().open("h", Role.PHONE, true, null)).count());
    assertEquals(1, await(promoted.history().open("h", Role.PHONE, true, "m4")).count());
    // A v1 reader's cursor moved to a number the old master gave (one of those skipped here).
    cmd(promoted, Command.HSET, RedisKeys.historyMeta("h", "phone"), "cur", s + 1);
    assertEquals(2, await(promoted.history().open("h", Role.PHONE, false, null)).count());
  }

  @Test
  void withoutAFloorThePromotedCounterNumbersAgainWhatTheOldMasterGave() throws Exception {
    Node old = node();
    long s = keep(old, "h", "m1", 0).seq();
    Node promoted = promotedReplicaOf(old);
    keep(old, "h", "m2", s);
    assertEquals(s + 1, keep(promoted, "h", "m3", 0).seq(), "what a reader that got m2 as s + 1 takes for a repeat");
  }

  @Test
  void aHistoryTheNewMasterNeverHadStartsAtTheClockOrAboveTheFloor() throws Exception {
    Node n = node();
    long before = System.currentTimeMillis() * 1000;
    assertTrue(keep(n, "f", "y1", 5).seq() >= before, "a floor below the clock changes nothing");
    long future = (System.currentTimeMillis() + 3_600_000) * 1000;
    assertEquals(future + 1, keep(n, "g", "x1", future).seq());
    assertEquals(future + 2, keep(n, "g", "x2", future + 1).seq());
    assertEquals(2, await(n.history().open("g", Role.PHONE, true, null)).count());
  }
}
