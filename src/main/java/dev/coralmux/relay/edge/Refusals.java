package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.limits.Decision;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.limits.RateClass;
import java.util.function.Function;

/** What a limit refusal is counted as and tells the sender, and what a failed limit check decides. */
final class Refusals {
  private Refusals() {}

  /** The decision for a message whose peer is connected nowhere (the directory agrees). */
  static final Decision NO_PEER = Decision.refuse(ErrorCode.PEER_OFFLINE, -1);

  static DropReason reason(ErrorCode code) {
    return code == ErrorCode.SERVICE_UNAVAILABLE ? DropReason.LIMITER_UNAVAILABLE : DropReason.valueOf(code.name());
  }

  static String message(ErrorCode code, Limits limits, RateClass rate) {
    return switch (code) {
      case RATE_LIMITED -> "too many " + (rate == RateClass.AGENT_STREAM ? "stream messages (chat.stream, chat.tool_status)"
          : "messages") + " for this token and role: " + limits.perMinute(rate) + " per minute, bursts of "
          + limits.burst(rate);
      case DAILY_QUOTA_EXCEEDED -> "daily bandwidth quota of " + limits.dailyBytes() + " bytes reached (resets at 00:00 UTC)";
      case MONTHLY_QUOTA_EXCEEDED -> "monthly bandwidth quota of " + limits.monthlyBytes() + " bytes reached";
      case SERVICE_UNAVAILABLE -> "the relay cannot check limits right now; retry shortly";
      case PEER_OFFLINE -> "your peer is not connected";
      default -> code.name();
    };
  }

  /** {@code limits.on_limiter_error}: a check that failed outright decides by policy, counted. */
  static Function<Throwable, Decision> onLimiterError(RelayConfig config, RelayMetrics metrics) {
    boolean allow = RelayConfig.ALLOW.equals(config.onLimiterError());
    Decision refuse = Decision.refuse(ErrorCode.SERVICE_UNAVAILABLE, 1_000);
    return e -> {
      metrics.limiterError();
      return allow ? Decision.ALLOW : refuse;
    };
  }
}
