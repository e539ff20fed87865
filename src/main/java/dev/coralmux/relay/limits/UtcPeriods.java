package dev.coralmux.relay.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Quota periods: the UTC day and the UTC month, as compact keys, and the time left in each. */
public final class UtcPeriods {
  private UtcPeriods() {}

  /** Days since the epoch (UTC). */
  public static long dayKey(long epochMillis) {
    return Math.floorDiv(epochMillis, 86_400_000L);
  }

  /** Months since January 1970 (UTC). */
  public static long monthKey(long epochMillis) {
    LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    return (d.getYear() - 1970L) * 12 + d.getMonthValue() - 1;
  }

  public static long millisToDayEnd(long epochMillis) {
    return (dayKey(epochMillis) + 1) * 86_400_000L - epochMillis;
  }

  public static long millisToMonthEnd(long epochMillis) {
    LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    long next = d.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    return next - epochMillis;
  }
}
