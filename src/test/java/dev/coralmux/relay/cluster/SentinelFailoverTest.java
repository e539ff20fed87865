package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.limits.RateClass;
import dev.coralmux.relay.limits.UtcPeriods;
import dev.coralmux.relay.store.Tokens;
import dev.coralmux.relay.support.DroppedPhone;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.FailoverTraffic;
import dev.coralmux.relay.support.RedisSentinelSet;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Redis behind Sentinel (a master, a replica, three Sentinels) fails over while two clustered
 * nodes relay: an agent streams to its phone across the nodes, with and without reliable delivery,
 * and a prober authenticates a new connection every 100 ms. Afterwards the relay must work on the
 * new master — new tokens and auths, limits and quotas counted there, the message history there —
 * and nothing sent during the failover may be lost silently, duplicated or reordered. What each
 * client saw is printed (a {@code SENTINEL FAILOVER ...} line in the test output) for docs/cluster.md.
 */
class SentinelFailoverTest {

  enum Failure { KILL, REQUEST, FREEZE }

  /** The master dies (SIGKILL): Sentinel notices after down-after-milliseconds and promotes the replica. */
  @Test
  void theMasterIsKilled() throws Exception {
    run(Failure.KILL);
  }

  /** An operator's {@code SENTINEL FAILOVER}: the old master is demoted (its clients disconnected) and becomes a replica. */
  @Test
  void aFailoverIsRequested() throws Exception {
    run(Failure.REQUEST);
  }

  /**
   * The master hangs (SIGSTOP) with the relay's connections to it still open, as in a partition:
   * nothing ever closes them, so the relay itself must leave a connection that stops answering.
   */
  @Test
  void theMasterHangsWithConnectionsOpen() throws Exception {
    run(Failure.FREEZE);
  }

  private static void run(Failure failure) throws Exception {
    try (RedisSentinelSet redis = RedisSentinelSet.start()) {
      int[] hz = {RelayProcess.freePort(), RelayProcess.freePort()};
      JsonObject conf = new JsonObject().put("event_loops", 1);
      try (TestRelay a = TestRelay.startClustered(conf, redis, hz[0], hz);
           TestRelay b = TestRelay.startClustered(conf, redis, hz[1], hz)) {
        try {
          scenario(failure, redis, a, b);
        } catch (RuntimeException | Error e) {
          System.out.println("node a:\n" + a.output + "\nnode b:\n" + b.output + "\nredis:\n" + redis.logs());
          throw e;
        }
      }
    }
  }

  private static void scenario(Failure failure, RedisSentinelSet redis, TestRelay a, TestRelay b) throws Exception {
    {
      {
        String reliableToken = a.createToken();
        String plainToken = b.createToken();
        String probeToken = a.createToken();
        int oldMaster = redis.masterPort();
        assertEquals("1", redis.cli(oldMaster, "WAIT", "1", "5000").strip(), "the tokens reached the replica");
        long failedAt;
        int newMaster;
        long detectedMs;
        FailoverTraffic.Summary r;
        FailoverTraffic.Summary p;
        try (FailoverTraffic reliable = FailoverTraffic.start("reliable", reliableToken, a.wsUrl(), b.wsUrl(), true);
             FailoverTraffic plain = FailoverTraffic.start("plain", plainToken, a.wsUrl(), b.wsUrl(), false);
             AuthProbe probe = new AuthProbe(probeToken, List.of(a, b))) {
          Awaitility.await().atMost(Duration.ofSeconds(30))
              .until(() -> reliable.delivered() >= 50 && plain.delivered() >= 50 && probe.oks() >= 5);
          failedAt = System.currentTimeMillis();
          switch (failure) {
            case KILL -> redis.kill(oldMaster);
            case REQUEST -> assertEquals("OK", redis.requestFailover());
            case FREEZE -> redis.freeze(oldMaster);
          }
          newMaster = redis.awaitNewMaster(oldMaster, Duration.ofSeconds(60));
          detectedMs = System.currentTimeMillis() - failedAt;
          assertNotEquals(oldMaster, newMaster);
          // Traffic goes on until messages sent well after the switch have arrived on both pairs.
          long later = System.currentTimeMillis() + 3_000;
          Awaitility.await().atMost(Duration.ofSeconds(60))
              .until(() -> reliable.deliveredSentAfter(later) >= 10 && plain.deliveredSentAfter(later) >= 10);
          reliable.stopSending();
          plain.stopSending();
          r = reliable.settle(failedAt, Duration.ofSeconds(20));
          p = plain.settle(failedAt, Duration.ofSeconds(20));
          probe.stop();
          awaitLimitsDecidedByRedis(a, b);
          long counted = stableUsage(a, plainToken);
          System.out.println("SENTINEL FAILOVER " + failure + ": new master after " + detectedMs + " ms; " + r + "; " + p
              + "; new auths: " + probe.describe(failedAt) + "; " + probe.describeLocal(failedAt)
              + "; plain pair's quota counter " + counted + " of " + plain.sentBytes() + " bytes relayed ("
              + (plain.sentBytes() - counted) + " not counted); redis_failures " + a.health().getLong("redis_failures") + " + "
              + b.health().getLong("redis_failures") + ", decided locally " + a.health().getJsonObject("decided_locally")
              + " + " + b.health().getJsonObject("decided_locally") + "; readers' renumbered " + history(a, b, "renumbered")
              + ", repeats skipped " + history(a, b, "repeats_skipped"));
          assertTrue(probe.lastOk(), () -> "new auths work after the failover: " + probe.describe(failedAt));
        }
        // Nothing lost, never twice or out of order — also after a requested failover, where the old
        // master takes writes until the relay moves and then drops them: the numbers it gave are not
        // given again (the sender's floor), and a reader tells a renumbered message from a repeat.
        for (FailoverTraffic.Summary s : List.of(r, p)) {
          assertEquals(0, s.lost(), s::toString);
          assertEquals(0, s.duplicates(), s::toString);
          assertEquals(0, s.outOfOrder(), s::toString);
        }
        assertEquals(r.sent(), r.delivered(), () -> "a reliable sender's messages all arrive: " + r);

        // After the failover, on the new master: a token made now is stored there and authenticates.
        String fresh = a.createToken(new JsonObject().put("limits",
            new JsonObject().put("phone_per_min", 2).put("phone_burst", 2)));
        String hash = Tokens.hash(fresh);
        assertEquals("1", redis.cli(newMaster, "EXISTS", RedisKeys.token(hash)).strip());
        try (WsClient phone = WsClient.auth(b.wsUrl(), fresh, "phone");
             WsClient agent = WsClient.auth(a.wsUrl(), fresh, "agent")) {
          phone.expect("status");
          // The rate limit and the quota counters are kept by the new master.
          String m1 = Envelopes.chat("one");
          String m2 = Envelopes.chat("two");
          phone.send(m1);
          assertEquals(m1, agent.nextRaw());
          phone.send(m2);
          assertEquals(m2, agent.nextRaw());
          phone.send(Envelopes.chat("three"));
          phone.expectError("RATE_LIMITED");
          assertEquals("1", redis.cli(newMaster, "EXISTS", RedisKeys.rate(hash, RateClass.PHONE)).strip(),
              "the rate bucket lives on the new master");
          String day = RedisKeys.day(hash, UtcPeriods.dayKey(System.currentTimeMillis()));
          assertEquals(String.valueOf(m1.length() + m2.length()), redis.cli(newMaster, "GET", day).strip());
          assertEquals(m1.length() + m2.length(),
              new JsonObject(b.http("GET", "/api/v1/pair/" + fresh + "/usage", null, null).body()).getLong("daily_used_bytes"));
        }
        // Reliable delivery keeps its history on the new master: a dropped phone resumes with nothing lost.
        DroppedPhone.run(b.createToken(), a.port(), b.wsUrl(), a.wsUrl(), 40);
      }
    }
  }

  /**
   * Waits until both nodes decide limits with Redis again (a message on each node no longer counts
   * as decided locally) and returns when that was seen (wall clock ms).
   */
  private static long awaitLimitsDecidedByRedis(TestRelay a, TestRelay b) {
    String token = a.createToken();
    try (WsClient phone = WsClient.auth(a.wsUrl(), token, "phone");
         WsClient agent = WsClient.auth(b.wsUrl(), token, "agent")) {
      phone.expect("status");
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
        long before = local(a) + local(b);
        String up = Envelopes.chat("probe");
        phone.send(up);
        assertEquals(up, agent.nextRaw());
        String down = Envelopes.of("chat.done", new JsonObject().put("text", "probe"));
        agent.send(down);
        assertEquals(down, phone.nextRaw());
        return local(a) + local(b) == before;
      });
      return System.currentTimeMillis();
    }
  }

  /** A token's daily usage once it stops changing (what was counted locally has been added to Redis). */
  private static long stableUsage(TestRelay node, String token) {
    long[] last = {-2};
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1_500)).until(() -> {
      long now = new JsonObject(node.http("GET", "/api/v1/pair/" + token + "/usage", null, null).body())
          .getLong("daily_used_bytes");
      boolean stable = now == last[0];
      last[0] = now;
      return stable;
    });
    return last[0];
  }

  /** A history counter of both nodes (the readers are on a), as "a + b". */
  private static String history(TestRelay a, TestRelay b, String counter) {
    return a.health().getJsonObject("history").getLong(counter) + " + " + b.health().getJsonObject("history").getLong(counter);
  }

  private static long local(TestRelay node) {
    return node.health().getJsonObject("decided_locally").getLong("messages");
  }

  /** Authenticates a new phone connection every 100 ms, alternating nodes, and records each outcome. */
  private static final class AuthProbe implements AutoCloseable {
    record Attempt(long at, String outcome) {}

    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final List<Long> localGrewAt = new CopyOnWriteArrayList<>();
    private long lastLocal;
    private volatile boolean running = true;
    private final Thread thread;

    AuthProbe(String token, List<TestRelay> nodes) {
      thread = new Thread(() -> {
        int i = 0;
        while (running) {
          String outcome;
          try (WsClient c = WsClient.connect(nodes.get(i++ % nodes.size()).wsUrl())) {
            c.send(Envelopes.auth(token, "phone"));
            String raw = c.poll(10_000);
            JsonObject m = raw == null ? null : new JsonObject(raw);
            outcome = m == null ? "no answer"
                : m.getString("type").equals("auth.ok") ? "ok" : m.getJsonObject("payload").getString("code");
          } catch (RuntimeException e) {
            outcome = "connection failed";
          }
          attempts.add(new Attempt(System.currentTimeMillis(), outcome));
          long local = nodes.stream().mapToLong(SentinelFailoverTest::local).sum();
          if (local != lastLocal) localGrewAt.add(System.currentTimeMillis());
          lastLocal = local;
          java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
      }, "auth-probe");
      thread.setDaemon(true);
      thread.start();
    }

    long oks() {
      return attempts.stream().filter(x -> x.outcome().equals("ok")).count();
    }

    boolean lastOk() {
      return !attempts.isEmpty() && attempts.get(attempts.size() - 1).outcome().equals("ok");
    }

    /** Outcomes after {@code since}, the last failure and the first success after it. */
    String describe(long since) {
      Map<String, Integer> counts = new TreeMap<>();
      long lastFailure = -1;
      long firstOkAfter = -1;
      for (Attempt x : attempts) {
        if (x.at() < since) continue;
        counts.merge(x.outcome(), 1, Integer::sum);
        if (!x.outcome().equals("ok")) {
          lastFailure = x.at() - since;
          firstOkAfter = -1;
        } else if (firstOkAfter < 0) {
          firstOkAfter = x.at() - since;
        }
      }
      return counts + (lastFailure < 0 ? ", none failed" : ", last failure at +" + lastFailure + " ms, ok again at +"
          + firstOkAfter + " ms");
    }

    /** When the nodes last decided a limit on their own (Redis unusable), sampled after each auth. */
    String describeLocal(long since) {
      long last = -1;
      for (long t : localGrewAt) if (t >= since) last = t - since;
      return last < 0 ? "no limit decided locally" : "limits decided locally until about +" + last + " ms";
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(20_000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
