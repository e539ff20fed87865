package dev.coralmux.relay.metrics;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every node's headline figures, everywhere: each node publishes its own once a second over the
 * (clustered) event bus and keeps the latest from every node, so any node can show per-node rows
 * and cluster totals. A node silent for a few seconds drops out.
 */
public final class ClusterFigures {
  static final String ADDRESS = "coralmux.figures";
  private static final long STALE_MS = 5_000;

  private final Map<String, JsonObject> latest = new ConcurrentHashMap<>();

  /** Starts publishing this node's figures and collecting everyone's. */
  public void start(Vertx vertx, String nodeId, RelayMetrics metrics) {
    vertx.eventBus().<String>consumer(ADDRESS, m -> {
      JsonObject f = new JsonObject(m.body());
      latest.put(f.getString("node"), f.put("received_at", System.currentTimeMillis()));
    });
    vertx.setPeriodic(1_000, t -> vertx.eventBus().publish(ADDRESS, new JsonObject()
        .put("node", nodeId)
        .put("phone", metrics.connections(Role.PHONE))
        .put("agent", metrics.connections(Role.AGENT))
        .put("paired", metrics.pairedPhones()) // each pair counted once: on its phone's node
        .put("messages_per_s", metrics.messagesPerSecond())
        .put("bytes_per_s", metrics.bytesPerSecond())
        .encode()));
  }

  /** One row per live node. */
  public JsonArray perNode() {
    long now = System.currentTimeMillis();
    latest.values().removeIf(f -> now - f.getLong("received_at") > STALE_MS);
    JsonArray rows = new JsonArray();
    latest.values().stream().sorted((a, b) -> a.getString("node").compareTo(b.getString("node")))
        .forEach(f -> rows.add(f.copy().put("received_at", (Object) null)));
    return rows;
  }

  /** Sums over the live nodes. */
  public JsonObject total() {
    long phone = 0;
    long agent = 0;
    long paired = 0;
    double mps = 0;
    double bps = 0;
    for (Object o : perNode()) {
      JsonObject f = (JsonObject) o;
      phone += f.getLong("phone");
      agent += f.getLong("agent");
      paired += f.getLong("paired", 0L);
      mps += f.getDouble("messages_per_s");
      bps += f.getDouble("bytes_per_s");
    }
    return new JsonObject().put("phone", phone).put("agent", agent).put("paired", paired).put("messages_per_s", mps)
        .put("bytes_per_s", bps);
  }
}
