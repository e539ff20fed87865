package dev.coralmux.relay.limits;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;

/**
 * The limits that apply to one token: message size, rates per {@link RateClass} (per minute, with
 * a burst; a burst of 0 means "one minute's worth"), daily and monthly bytes.
 */
public record Limits(long maxMessageBytes, int phonePerMin, int phoneBurst, int agentPerMin, int agentBurst,
                     int agentStreamPerMin, int agentStreamBurst, long dailyBytes, long monthlyBytes,
                     int historyMessages, long historyBytes) {

  /**
   * The protocol's defaults (PROTOCOL-DECISIONS): 5 MiB; phone 30/min, agent 120/min, agent streams
   * 6,000/min with a burst of 1,000; 500 MiB/day, 10 GiB/month — binary units, as the spec's own
   * {@code auth.ok} example (524,288,000) shows. History (RELIABLE-DELIVERY): 1,000 messages and
   * 8 MiB per direction.
   */
  public static final Limits PROTOCOL_DEFAULTS = new Limits(5L * 1024 * 1024, 30, 0, 120, 0, 6_000, 1_000,
      500L * 1024 * 1024, 10L * 1024 * 1024 * 1024, 1_000, 8L * 1024 * 1024);

  /** A token whose history bounds are 0 keeps nothing: its messages are forwarded as in v1 only. */
  public boolean keepsHistory() {
    return historyMessages > 0 && historyBytes > 0;
  }

  public int perMinute(RateClass c) {
    return switch (c) {
      case PHONE -> phonePerMin;
      case AGENT -> agentPerMin;
      case AGENT_STREAM -> agentStreamPerMin;
    };
  }

  public int burst(RateClass c) {
    int b = switch (c) {
      case PHONE -> phoneBurst;
      case AGENT -> agentBurst;
      case AGENT_STREAM -> agentStreamBurst;
    };
    return b > 0 ? b : perMinute(c);
  }

  public long get(LimitKey k) {
    return switch (k) {
      case MAX_MESSAGE_BYTES -> maxMessageBytes;
      case PHONE_PER_MIN -> phonePerMin;
      case PHONE_BURST -> phoneBurst;
      case AGENT_PER_MIN -> agentPerMin;
      case AGENT_BURST -> agentBurst;
      case AGENT_STREAM_PER_MIN -> agentStreamPerMin;
      case AGENT_STREAM_BURST -> agentStreamBurst;
      case DAILY_BYTES -> dailyBytes;
      case MONTHLY_BYTES -> monthlyBytes;
      case HISTORY_MESSAGES -> historyMessages;
      case HISTORY_BYTES -> historyBytes;
    };
  }

  /** Limits from a value for every key. */
  public static Limits of(Map<LimitKey, Long> v) {
    return new Limits(v.get(LimitKey.MAX_MESSAGE_BYTES), v.get(LimitKey.PHONE_PER_MIN).intValue(),
        v.get(LimitKey.PHONE_BURST).intValue(), v.get(LimitKey.AGENT_PER_MIN).intValue(),
        v.get(LimitKey.AGENT_BURST).intValue(), v.get(LimitKey.AGENT_STREAM_PER_MIN).intValue(),
        v.get(LimitKey.AGENT_STREAM_BURST).intValue(), v.get(LimitKey.DAILY_BYTES), v.get(LimitKey.MONTHLY_BYTES),
        v.get(LimitKey.HISTORY_MESSAGES).intValue(), v.get(LimitKey.HISTORY_BYTES));
  }

  /** These limits with a token's overrides applied; a key not overridden keeps its value. */
  public Limits with(LimitOverrides o) {
    if (o == null || o.values().isEmpty()) return this;
    Map<LimitKey, Long> v = new EnumMap<>(LimitKey.class);
    for (LimitKey k : LimitKey.values()) v.put(k, o.values().getOrDefault(k, get(k)));
    return of(v);
  }

  /** Every limit by its wire name (token API responses). */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    for (LimitKey k : LimitKey.values()) o.put(k.wire, get(k));
    return o;
  }
}
