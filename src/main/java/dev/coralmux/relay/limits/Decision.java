package dev.coralmux.relay.limits;

import dev.coralmux.relay.protocol.ErrorCode;

/** The outcome of a limit check for one message: allowed, or refused with a code and when to retry. */
public record Decision(ErrorCode refusal, long retryAfterMs) {
  public static final Decision ALLOW = new Decision(null, -1);

  public boolean allowed() {
    return refusal == null;
  }

  public static Decision refuse(ErrorCode code, long retryAfterMs) {
    return new Decision(code, retryAfterMs);
  }
}
