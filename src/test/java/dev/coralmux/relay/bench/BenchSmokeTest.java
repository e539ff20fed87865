package dev.coralmux.relay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench runs, reports, and catches loss — a smoke test with tiny loads and no timing assertions. */
class BenchSmokeTest {

  static BenchSpec spec(TestRelay relay, String ws, double rate, int dropEvery) {
    return new BenchSpec(relay == null ? null : relay.httpUrl(), relay == null ? null : TestRelay.ADMIN_KEY, ws, ws,
        4, 4, 256, 1, 0.3, rate, 1, dropEvery);
  }

  @Test
  void everyScenarioRunsAndTheReportRenders() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      BenchResult closed = Benchmarks.load("throughput", spec(relay, relay.wsUrl(), 0, 0));
      assertTrue(closed.delivered() > 0, closed::summary);
      assertEquals(0, closed.lost(), closed::summary);
      assertEquals(0, closed.duplicated() + closed.reordered(), closed::summary);
      assertEquals(0, closed.errorCount(), closed::summary);
      List<BenchResult> open = Benchmarks.steps("capacity", spec(relay, relay.wsUrl(), 1, 0), List.of(200.0), true);
      assertEquals(1, open.size());
      assertTrue(open.get(0).delivered() > 0 && open.get(0).p99Micros() > 0, open.get(0)::summary);

      // The relay runs in this JVM, so its pid is ours: RSS and heap are read from outside as for a real relay.
      JsonObject idle = Benchmarks.idle(relay.httpUrl(), TestRelay.ADMIN_KEY, relay.wsUrl(), 20, 1, 0,
          ProcessHandle.current().pid());
      assertEquals(20L, idle.getLong("connections"));
      assertTrue(idle.getJsonObject("after").getLong("heap_used_after_gc_bytes") > 0, idle::encode);
      assertTrue(idle.getJsonObject("after").getLong("rss_bytes") > 0, idle::encode);
      JsonObject churn = Benchmarks.churn(relay.httpUrl(), TestRelay.ADMIN_KEY, relay.wsUrl(), 2, 0.5, 1);
      assertTrue(churn.getLong("completed") > 0, churn::encode);

      try (BaselineProcess baseline = BaselineProcess.start()) {
        BenchResult b = Benchmarks.load("throughput", spec(null, baseline.wsUrl(), 0, 0));
        assertTrue(b.delivered() > 0 && b.lost() == 0, b::summary);
        assertEquals("baseline", b.target());
        JsonArray all = new JsonArray().add(closed.toJson()).add(open.get(0).toJson()).add(b.toJson()).add(idle).add(churn);
        Path charts = Files.createTempDirectory("bench-charts");
        String md = BenchReport.render(all, charts);
        assertTrue(md.contains("| throughput | relay |") && md.contains("| throughput | baseline |"), md);
        assertTrue(Files.readString(charts.resolve("capacity-latency.svg")).contains("relay p99"));
        assertTrue(Files.readString(charts.resolve("idle-memory.svg")).startsWith("<svg"));
      }
    }
  }

  @Test
  void anInjectedLossIsDetected() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      BenchResult r = Benchmarks.load("throughput", spec(relay, relay.wsUrl(), 0, 7));
      assertTrue(r.lost() > 0, "the checker missed the skipped sequence numbers: " + r.summary());
    }
  }
}
