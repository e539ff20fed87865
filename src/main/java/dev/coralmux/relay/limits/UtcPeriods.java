package dev.coralmux.relay.limits;

import java.time.LocalDate;

/** Quota periods: the UTC day and the UTC month, as compact keys, and the time left in each. */
public final class UtcPeriods {
  private UtcPeriods() {}

  /** Days since the epoch (UTC). */
  public static long dayKey(long epochMillis) {
    return Math.floorDiv(epochMillis, 86_400_000L);
  }

  /**
   * Months since January 1970 (UTC). From the day number, not through a time zone: this runs for
   * every message, and {@code ZoneOffset.UTC}'s rules are a new object on every use.
   */
  public static long monthKey(long epochMillis) {
    LocalDate d = LocalDate.ofEpochDay(dayKey(epochMillis));
    return (d.getYear() - 1970L) * 12 + d.getMonthValue() - 1;
  }

  public static long millisToDayEnd(long epochMillis) {
    return (dayKey(epochMillis) + 1) * 86_400_000L - epochMillis;
  }

  public static long millisToMonthEnd(long epochMillis) {
    LocalDate nextMonth = LocalDate.ofEpochDay(dayKey(epochMillis)).withDayOfMonth(1).plusMonths(1);
    return nextMonth.toEpochDay() * 86_400_000L - epochMillis;
  }
}
