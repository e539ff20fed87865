package dev.coralmux.relay.limits;

import io.vertx.core.json.JsonObject;

/** Per-token limit overrides; null fields fall back to the configured defaults. */
public record LimitOverrides(Long maxMessageBytes, Integer phonePerMin, Integer agentPerMin, Long dailyBytes,
                             Long monthlyBytes) {
  public static final LimitOverrides NONE = new LimitOverrides(null, null, null, null, null);

  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    if (dailyBytes != null) o.put("daily_bytes", dailyBytes);
    if (monthlyBytes != null) o.put("monthly_bytes", monthlyBytes);
    if (phonePerMin != null) o.put("phone_per_min", phonePerMin);
    if (agentPerMin != null) o.put("agent_per_min", agentPerMin);
    if (maxMessageBytes != null) o.put("max_message_bytes", maxMessageBytes);
    return o;
  }

  /** Reads overrides written by {@link #toJson()}; the caller has validated the input. */
  public static LimitOverrides fromJson(JsonObject o) {
    if (o == null) return NONE;
    return new LimitOverrides(o.getLong("max_message_bytes"), o.getInteger("phone_per_min"),
        o.getInteger("agent_per_min"), o.getLong("daily_bytes"), o.getLong("monthly_bytes"));
  }
}
