package dev.coralmux.relay.bench;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/** What one load measured; {@code toJson} is what the bench writes and the report reads. */
public record BenchResult(String scenario, String target, int pairs, int size, double offeredPerSecond,
                          double seconds, long sent, long delivered, long lost, long duplicated, long reordered,
                          Map<String, Long> errors, double deliveredPerSecond, double megabytesPerSecond,
                          double p50Micros, double p99Micros, double p999Micros, double maxMicros) {

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  public JsonObject toJson() {
    return new JsonObject().put("scenario", scenario).put("target", target).put("pairs", pairs).put("size", size)
        .put("offered_per_s", offeredPerSecond).put("seconds", seconds).put("sent", sent).put("delivered", delivered)
        .put("lost", lost).put("duplicated", duplicated).put("reordered", reordered)
        .put("errors", new JsonObject(new TreeMap<>(errors).entrySet().stream()
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue()))))
        .put("delivered_per_s", round(deliveredPerSecond)).put("mb_per_s", round(megabytesPerSecond))
        .put("p50_us", round(p50Micros)).put("p99_us", round(p99Micros)).put("p999_us", round(p999Micros))
        .put("max_us", round(maxMicros));
  }

  private static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }

  /** One line for the terminal. */
  public String summary() {
    return String.format("%-10s %-8s pairs=%d size=%d offered=%s delivered=%.0f msg/s (%.1f MB/s) p50=%.0fus p99=%.0fus p99.9=%.0fus "
            + "lost=%d dup=%d reordered=%d errors=%s",
        scenario, target, pairs, size, offeredPerSecond > 0 ? String.format("%.0f/s", offeredPerSecond) : "closed-loop",
        deliveredPerSecond, megabytesPerSecond, p50Micros, p99Micros, p999Micros, lost, duplicated, reordered, errors);
  }
}
