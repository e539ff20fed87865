package dev.coralmux.relay.limits;

import dev.coralmux.relay.protocol.ErrorCode;

/**
 * The outcome of a limit check for one message: allowed, or refused with a code and when to retry.
 * A message checked with a {@code Keep} also says where it was kept ({@code seq}, 0 when not kept),
 * or that a copy with its id was kept already ({@code duplicate}; then it was not charged again).
 *
 * @param delivered for a duplicate: whether the kept copy has been delivered to its reader
 */
public record Decision(ErrorCode refusal, long retryAfterMs, long seq, boolean duplicate, boolean delivered) {
  public static final Decision ALLOW = new Decision(null, -1, 0, false, false);
  /**
   * The sender is no longer its role's registered connection (replaced while its node could not hear
   * of it): nothing is kept or forwarded, and the sender is closed as replaced. Compared by identity.
   */
  public static final Decision FENCED = new Decision(ErrorCode.UNAUTHORIZED, -1, 0, false, false);

  public boolean allowed() {
    return refusal == null;
  }

  public static Decision refuse(ErrorCode code, long retryAfterMs) {
    return new Decision(code, retryAfterMs, 0, false, false);
  }

  /** Allowed and kept in the history at {@code seq}. */
  public static Decision kept(long seq) {
    return new Decision(null, -1, seq, false, false);
  }

  /**
   * Allowed by this node alone because the history did not answer in time, so forwarded as in v1
   * ({@code seq} -1, not kept) — yet the call may still have run and kept it: the reader's node
   * skips a copy with its id read back later (docs/cluster.md, "Redis outage").
   */
  public static Decision maybeKept() {
    return new Decision(null, -1, -1, false, false);
  }

  /** A message whose id is already kept at {@code seq}: not forwarded again. */
  public static Decision duplicate(long seq, boolean delivered) {
    return new Decision(null, -1, seq, true, delivered);
  }
}
