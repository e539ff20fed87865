package dev.coralmux.relay.limits;

/** Bytes a token used in the current UTC day and month. */
public record Usage(long dailyUsedBytes, long monthlyUsedBytes) {
  public static final Usage NONE = new Usage(0, 0);
}
