package dev.coralmux.relay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Markdown tables and SVG charts from a bench results file. */
public final class BenchReport {
  private BenchReport() {}

  public static String render(JsonArray results, Path chartsDir) throws Exception {
    Files.createDirectories(chartsDir);
    StringBuilder md = new StringBuilder();
    List<JsonObject> loads = new ArrayList<>();
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      if (r.containsKey("delivered_per_s")) loads.add(r);
    }
    md.append("| scenario | target | pairs | size | offered msg/s | delivered msg/s | MB/s | p50 µs | p99 µs | p99.9 µs | lost | dup | reordered | errors |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : loads) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %d | %d | %d | %s |%n",
          r.getString("scenario"), r.getString("target"), r.getInteger("pairs"), r.getInteger("size"),
          r.getDouble("offered_per_s") > 0 ? String.format(Locale.ROOT, "%.0f", r.getDouble("offered_per_s")) : "closed loop",
          r.getDouble("delivered_per_s"), r.getDouble("mb_per_s"), r.getDouble("p50_us"), r.getDouble("p99_us"),
          r.getDouble("p999_us"), r.getLong("lost"), r.getLong("duplicated"), r.getLong("reordered"),
          r.getJsonObject("errors").isEmpty() ? "-" : r.getJsonObject("errors").encode()));
    }
    for (String scenario : List.of("capacity", "latency")) {
      SvgChart chart = new SvgChart("Latency vs offered load (" + scenario + ")", "offered msg/s", "latency µs (log)", true);
      for (String target : List.of("relay", "baseline")) {
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> p999 = new ArrayList<>();
        for (JsonObject r : loads) {
          if (!r.getString("scenario").equals(scenario) || !r.getString("target").equals(target)) continue;
          double x = r.getDouble("offered_per_s");
          p50.add(new double[] {x, r.getDouble("p50_us")});
          p99.add(new double[] {x, r.getDouble("p99_us")});
          p999.add(new double[] {x, r.getDouble("p999_us")});
        }
        boolean relay = target.equals("relay");
        chart.add(target + " p50", relay ? "#1f77b4" : "#aec7e8", p50)
            .add(target + " p99", relay ? "#d62728" : "#ff9896", p99)
            .add(target + " p99.9", relay ? "#2ca02c" : "#98df8a", p999);
      }
      Files.writeString(chartsDir.resolve(scenario + "-latency.svg"), chart.render());
    }
    List<double[]> heap = new ArrayList<>();
    List<double[]> rss = new ArrayList<>();
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      if (!"idle".equals(r.getString("scenario"))) continue;
      if (!r.containsKey("heap_per_connection_bytes")) { // run without --relay-pid: nothing to chart
        md.append(String.format(Locale.ROOT, "%nidle: %d connections; relay memory not measured (no --relay-pid)%n",
            r.getLong("connections")));
        continue;
      }
      heap.add(new double[] {r.getLong("connections"), r.getLong("heap_per_connection_bytes")});
      rss.add(new double[] {r.getLong("connections"), r.getLong("rss_per_connection_bytes")});
      md.append(String.format(Locale.ROOT, "%nidle: %d connections: %d B heap and %d B RSS per connection%n",
          r.getLong("connections"), r.getLong("heap_per_connection_bytes"), r.getLong("rss_per_connection_bytes")));
    }
    heap.sort((a, b) -> Double.compare(a[0], b[0]));
    rss.sort((a, b) -> Double.compare(a[0], b[0]));
    Files.writeString(chartsDir.resolve("idle-memory.svg"), new SvgChart("Memory per idle authenticated connection",
        "connections", "bytes per connection", false).add("heap after GC", "#1f77b4", heap).add("RSS", "#d62728", rss).render());
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      if ("churn".equals(r.getString("scenario"))) {
        md.append(String.format(Locale.ROOT, "%nchurn: %d connect+auth+close per second (concurrency %d, p50 %.0f µs, p99 %.0f µs, failed %d)%n",
            r.getLong("per_s"), r.getInteger("concurrency"), r.getDouble("p50_us"), r.getDouble("p99_us"), r.getLong("failed")));
      }
    }
    return md.toString();
  }
}
