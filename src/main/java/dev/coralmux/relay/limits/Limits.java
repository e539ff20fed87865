package dev.coralmux.relay.limits;

import dev.coralmux.relay.protocol.Role;

/** The limits that apply to one token: message size, per-role rate, daily and monthly bytes. */
public record Limits(long maxMessageBytes, int phonePerMin, int agentPerMin, long dailyBytes, long monthlyBytes) {

  /**
   * The protocol's defaults: 5 MiB, phone 30/min, agent 120/min, 500 MiB/day, 10 GiB/month — binary
   * units, as the spec's own {@code auth.ok} example (524,288,000) shows.
   */
  public static final Limits PROTOCOL_DEFAULTS =
      new Limits(5L * 1024 * 1024, 30, 120, 500L * 1024 * 1024, 10L * 1024 * 1024 * 1024);

  public int perMinute(Role role) {
    return role == Role.PHONE ? phonePerMin : agentPerMin;
  }

  /** These limits with a token's overrides applied; any override left null keeps the default. */
  public Limits with(LimitOverrides o) {
    if (o == null) return this;
    return new Limits(
        o.maxMessageBytes() != null ? o.maxMessageBytes() : maxMessageBytes,
        o.phonePerMin() != null ? o.phonePerMin() : phonePerMin,
        o.agentPerMin() != null ? o.agentPerMin() : agentPerMin,
        o.dailyBytes() != null ? o.dailyBytes() : dailyBytes,
        o.monthlyBytes() != null ? o.monthlyBytes() : monthlyBytes);
  }
}
