package dev.coralmux.relay.bench;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The scenarios, each one call; failures surface as unchecked exceptions with their cause. */
public final class Benchmarks {
  /** Capacity stops at the first step over this p99 (the 50 ms). */
  static final double CAPACITY_P99_LIMIT_MICROS = 50_000;

  private Benchmarks() {}

  /** One load (closed or open loop) on freshly connected pairs. */
  public static BenchResult load(String scenario, BenchSpec spec) {
    try (LoadGenerator g = new LoadGenerator(spec)) {
      g.connect();
      return g.run(scenario, spec.relayHttp() == null ? "baseline" : "relay");
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(scenario + " failed: " + e, e);
    }
  }

  /**
   * Open-loop steps at the given total rates. For capacity, stops after the first step whose p99
   * exceeds 50 ms, that has errors, or that delivers under 95% of what was offered.
   */
  public static List<BenchResult> steps(String scenario, BenchSpec base, List<Double> rates, boolean stopWhenOver) {
    List<BenchResult> out = new ArrayList<>();
    for (double rate : rates) {
      BenchSpec s = new BenchSpec(base.relayHttp(), base.adminKey(), base.phoneWs(), base.agentWs(), base.pairs(), 0,
          base.size(), base.durationSeconds(), base.warmupSeconds(), rate, base.sourceAddresses(), 0);
      BenchResult r = load(scenario, s);
      System.out.println(r.summary());
      out.add(r);
      boolean over = r.p99Micros() > CAPACITY_P99_LIMIT_MICROS || r.errorCount() > 0
          || r.deliveredPerSecond() < 0.95 * rate;
      if (stopWhenOver && over) break;
    }
    return out;
  }

  /**
   * Idle memory per authenticated connection. With the relay's pid, its heap after GC and RSS are
   * read before and after opening the connections ({@link RelayMemory}); without it only what the
   * client sees (connections, time to open them) is reported, and the result says so.
   */
  public static JsonObject idle(String relayHttp, String adminKey, String wsUrl, int connections, int sources, int holdSeconds,
                                Long relayPid) {
    try (ConnectionBench b = new ConnectionBench(wsUrl, sources)) {
      List<String> tokens = BenchTokens.make(relayHttp, adminKey, Math.max(1, connections / 2));
      JsonObject before = relayPid == null ? null : RelayMemory.sample(relayPid);
      long t0 = System.nanoTime();
      List<WebSocket> open = b.openIdle(tokens);
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      JsonObject after = relayPid == null ? null : RelayMemory.sample(relayPid);
      long n = open.size();
      JsonObject r = new JsonObject().put("scenario", "idle").put("target", "relay").put("connections", n)
          .put("open_seconds", Math.round(openSeconds * 10) / 10.0);
      if (relayPid == null) {
        r.put("note", "no --relay-pid: the relay's memory was not measured, client-side figures only");
      } else {
        r.put("relay_pid", relayPid)
            .put("heap_per_connection_bytes", perConnection(before, after, "heap_used_after_gc_bytes", n))
            .put("rss_per_connection_bytes", perConnection(before, after, "rss_bytes", n))
            .put("before", before).put("after", after);
      }
      if (holdSeconds > 0) {
        System.out.println("holding " + n + " connections for " + holdSeconds + " s");
        Thread.sleep(holdSeconds * 1000L); // the operator asked to look at the relay meanwhile
      }
      open.forEach(WebSocket::close);
      return r;
    } catch (Exception e) {
      throw new IllegalStateException("idle failed: " + e, e);
    }
  }

  private static long perConnection(JsonObject before, JsonObject after, String key, long n) {
    return Math.round((after.getLong(key) - before.getLong(key)) / (double) Math.max(1, n));
  }

  /** Connect + auth + close per second with {@code concurrency} loops. */
  public static JsonObject churn(String relayHttp, String adminKey, String wsUrl, int concurrency, double seconds, int sources) {
    try (ConnectionBench b = new ConnectionBench(wsUrl, sources)) {
      ConnectionBench.Churn c = b.churn(BenchTokens.make(relayHttp, adminKey, concurrency), seconds);
      return new JsonObject().put("scenario", "churn").put("target", "relay").put("concurrency", concurrency)
          .put("per_s", Math.round(c.perSecond())).put("completed", c.completed()).put("failed", c.failed())
          .put("p50_us", c.p50Micros()).put("p99_us", c.p99Micros());
    } catch (Exception e) {
      throw new IllegalStateException("churn failed: " + e, e);
    }
  }
}
