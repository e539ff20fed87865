package dev.coralmux.relay.limits;

/**
 * Every per-token limit, with its name in the conf, the token API and stored token records, and
 * its allowed range: one list, so the conf, overrides at creation and the API cannot drift apart.
 */
public enum LimitKey {
  MAX_MESSAGE_BYTES("max_message_bytes", 1024, Integer.MAX_VALUE / 2),
  PHONE_PER_MIN("phone_per_min", 0, 1_000_000_000),
  PHONE_BURST("phone_burst", 0, 1_000_000_000),
  AGENT_PER_MIN("agent_per_min", 0, 1_000_000_000),
  AGENT_BURST("agent_burst", 0, 1_000_000_000),
  AGENT_STREAM_PER_MIN("agent_stream_per_min", 0, 1_000_000_000),
  AGENT_STREAM_BURST("agent_stream_burst", 0, 1_000_000_000),
  DAILY_BYTES("daily_bytes", 0, Long.MAX_VALUE / 4),
  MONTHLY_BYTES("monthly_bytes", 0, Long.MAX_VALUE / 4),
  /** Kept per direction for resume and offline peers; in the conf as {@code history.max_messages}. */
  HISTORY_MESSAGES("history_messages", 0, 1_000_000),
  /** In the conf as {@code history.max_bytes}. */
  HISTORY_BYTES("history_bytes", 0, 1L << 32);

  public final String wire;
  public final long min;
  public final long max;

  LimitKey(String wire, long min, long max) {
    this.wire = wire;
    this.min = min;
    this.max = max;
  }

  /** Whether the conf sets this key's default in the {@code history} section rather than {@code limits}. */
  public boolean inHistorySection() {
    return this == HISTORY_MESSAGES || this == HISTORY_BYTES;
  }

  public static LimitKey fromWire(String name) {
    for (LimitKey k : values()) if (k.wire.equals(name)) return k;
    return null;
  }
}
