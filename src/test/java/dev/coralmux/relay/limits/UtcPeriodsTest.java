package dev.coralmux.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Quota periods agree with java.time's UTC calendar, at period edges and anywhere between. */
class UtcPeriodsTest {

  private static void agreesWithTheCalendar(long ms) {
    ZonedDateTime t = Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC);
    assertEquals((t.getYear() - 1970L) * 12 + t.getMonthValue() - 1, UtcPeriods.monthKey(ms), () -> "month of " + t);
    assertEquals(t.toLocalDate().toEpochDay(), UtcPeriods.dayKey(ms), () -> "day of " + t);
    long nextMonth = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    assertEquals(nextMonth - ms, UtcPeriods.millisToMonthEnd(ms), () -> "to the month's end from " + t);
    long nextDay = t.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    assertEquals(nextDay - ms, UtcPeriods.millisToDayEnd(ms), () -> "to the day's end from " + t);
  }

  @Test
  void theEdgesOfMonthsAndLeapYears() {
    for (LocalDate first : new LocalDate[] {LocalDate.of(1970, 1, 1), LocalDate.of(2024, 2, 1), LocalDate.of(2024, 3, 1),
        LocalDate.of(2026, 12, 1), LocalDate.of(2027, 1, 1), LocalDate.of(2100, 3, 1), LocalDate.of(1969, 12, 1)}) {
      long start = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      for (long ms : new long[] {start - 1, start, start + 1}) agreesWithTheCalendar(ms);
    }
  }

  @Test
  void anyInstantFrom1960To2200() {
    SplittableRandom random = new SplittableRandom(15);
    long from = LocalDate.of(1960, 1, 1).toEpochDay() * 86_400_000L;
    long to = LocalDate.of(2200, 1, 1).toEpochDay() * 86_400_000L;
    for (int i = 0; i < 100_000; i++) agreesWithTheCalendar(random.nextLong(from, to));
  }
}
