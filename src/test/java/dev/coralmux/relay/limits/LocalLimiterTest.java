package dev.coralmux.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.protocol.ErrorCode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalLimiterTest {
  private static final Limits SMALL = new Limits(1024, 1_000_000, 0, 1_000_000, 0, 1_000_000, 0, 100, 250, 1000, 1 << 20);

  @Test
  void quotasResetAtTheUtcDayAndMonthBoundaries() {
    AtomicLong clock = new AtomicLong(Instant.parse("2026-01-31T23:59:59Z").toEpochMilli());
    LocalLimiter limiter = new LocalLimiter(clock::get);
    assertTrue(limiter.decide("t", RateClass.PHONE, SMALL, 100).allowed());
    Decision day = limiter.decide("t", RateClass.PHONE, SMALL, 1);
    assertEquals(ErrorCode.DAILY_QUOTA_EXCEEDED, day.refusal());
    assertEquals(1_000, day.retryAfterMs(), "one second to midnight UTC");
    clock.set(Instant.parse("2026-02-01T00:00:00Z").toEpochMilli());
    assertTrue(limiter.decide("t", RateClass.PHONE, SMALL, 100).allowed(), "a new day and a new month");
    clock.set(Instant.parse("2026-02-02T00:00:00Z").toEpochMilli());
    assertTrue(limiter.decide("t", RateClass.PHONE, SMALL, 100).allowed());
    clock.set(Instant.parse("2026-02-03T00:00:00Z").toEpochMilli());
    Decision month = limiter.decide("t", RateClass.PHONE, SMALL, 100);
    assertEquals(ErrorCode.MONTHLY_QUOTA_EXCEEDED, month.refusal());
    assertEquals(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() - clock.get(), month.retryAfterMs());
    assertEquals(new Usage(0, 200), limiter.currentUsage("t"));
  }

  @Test
  void rateIsPerTokenAndRoleWithBurst() {
    LocalLimiter limiter = new LocalLimiter(System::currentTimeMillis);
    Limits l = new Limits(1024, 3, 0, 5, 0, 600, 50, Long.MAX_VALUE, Long.MAX_VALUE, 1000, 1 << 20);
    for (int i = 0; i < 3; i++) assertTrue(limiter.decide("a", RateClass.PHONE, l, 0).allowed());
    Decision refused = limiter.decide("a", RateClass.PHONE, l, 0);
    assertEquals(ErrorCode.RATE_LIMITED, refused.refusal());
    assertTrue(refused.retryAfterMs() > 0 && refused.retryAfterMs() <= 20_000, "3/min refills one every 20 s");
    for (int i = 0; i < 5; i++) assertTrue(limiter.decide("a", RateClass.AGENT, l, 0).allowed(), "agent has its own bucket");
    assertTrue(limiter.decide("b", RateClass.PHONE, l, 0).allowed(), "other tokens are unaffected");
  }

  @Test
  void streamingHasItsOwnBucketWithItsOwnBurst() {
    LocalLimiter limiter = new LocalLimiter(System::currentTimeMillis);
    Limits l = new Limits(1024, 3, 0, 5, 0, 600, 50, Long.MAX_VALUE, Long.MAX_VALUE, 1000, 1 << 20);
    for (int i = 0; i < 5; i++) assertTrue(limiter.decide("a", RateClass.AGENT, l, 0).allowed());
    assertEquals(ErrorCode.RATE_LIMITED, limiter.decide("a", RateClass.AGENT, l, 0).refusal());
    for (int i = 0; i < 50; i++) {
      assertTrue(limiter.decide("a", RateClass.AGENT_STREAM, l, 0).allowed(), "stream burst of 50, message " + i);
    }
    Decision refused = limiter.decide("a", RateClass.AGENT_STREAM, l, 0);
    assertEquals(ErrorCode.RATE_LIMITED, refused.refusal());
    assertTrue(refused.retryAfterMs() <= 100, "600/min refills one every 100 ms: " + refused.retryAfterMs());
  }

  @Test
  void theClassOfAMessageFollowsItsType() {
    assertEquals(RateClass.AGENT_STREAM, RateClass.of(dev.coralmux.relay.protocol.Role.AGENT, "chat.stream"));
    assertEquals(RateClass.AGENT_STREAM, RateClass.of(dev.coralmux.relay.protocol.Role.AGENT, "chat.tool_status"));
    assertEquals(RateClass.AGENT, RateClass.of(dev.coralmux.relay.protocol.Role.AGENT, "chat.done"));
    assertEquals(RateClass.PHONE, RateClass.of(dev.coralmux.relay.protocol.Role.PHONE, "chat.stream"));
    assertEquals(1_000, Limits.PROTOCOL_DEFAULTS.burst(RateClass.AGENT_STREAM));
    assertEquals(6_000, Limits.PROTOCOL_DEFAULTS.perMinute(RateClass.AGENT_STREAM));
    assertEquals(30, Limits.PROTOCOL_DEFAULTS.burst(RateClass.PHONE), "a burst of 0 means one minute's worth");
  }

  @Test
  void snapshotRestoresCounters() {
    AtomicLong clock = new AtomicLong(Instant.parse("2026-05-05T10:00:00Z").toEpochMilli());
    LocalLimiter a = new LocalLimiter(clock::get);
    a.decide("t", RateClass.AGENT, SMALL, 42);
    LocalLimiter b = new LocalLimiter(clock::get);
    b.restore(a.snapshot());
    assertEquals(new Usage(42, 42), b.currentUsage("t"));
  }
}
