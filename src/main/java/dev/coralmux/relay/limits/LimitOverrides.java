package dev.coralmux.relay.limits;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Per-token limit overrides, set at creation; a key absent here falls back to the configured default. */
public record LimitOverrides(Map<LimitKey, Long> values) {
  public static final LimitOverrides NONE = new LimitOverrides(Map.of());

  public LimitOverrides {
    values = Collections.unmodifiableMap(values.isEmpty() ? Map.of() : new EnumMap<>(values));
  }

  public Long get(LimitKey k) {
    return values.get(k);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    values.forEach((k, v) -> o.put(k.wire, v));
    return o;
  }

  /** Reads overrides written by {@link #toJson()}; names it does not know are ignored. */
  public static LimitOverrides fromJson(JsonObject o) {
    if (o == null || o.isEmpty()) return NONE;
    Map<LimitKey, Long> v = new EnumMap<>(LimitKey.class);
    for (String name : o.fieldNames()) {
      LimitKey k = LimitKey.fromWire(name);
      if (k != null && o.getValue(name) instanceof Number n) v.put(k, n.longValue());
    }
    return new LimitOverrides(v);
  }
}
