package dev.coralmux.relay.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The standalone history without sockets: bytes exact across segments, bounds, ids, files. */
class LocalHistoryTest {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final RelayMetrics metrics = new RelayMetrics();

  private LocalHistory history() {
    return new LocalHistory(now::get, 60_000, metrics);
  }

  private static Keep keep(String id, byte[] frame, int maxMessages, long maxBytes) {
    return new Keep(Role.PHONE, id, frame, null, false, new HistoryBounds(maxMessages, maxBytes, 60_000));
  }

  @Test
  void framesOfEverySizeComeBackByteForByteAndTrimmingKeepsTheNewest() {
    LocalHistory h = history();
    Random r = new Random(7);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] f = new byte[i % 50 == 0 ? 70_000 : 1 + r.nextInt(3_000)]; // some larger than a segment
      r.nextBytes(f);
      frames.add(f);
      LocalHistory.Kept k = h.keep("t", keep("m" + i, f, 100, 1L << 30), f.length, charge -> true);
      assertFalse(k.duplicate());
    }
    ReplayStart start = h.open("t", Role.PHONE, true, null).result();
    assertEquals(100, start.count());
    assertFalse(start.complete(), "200 were trimmed");
    List<Entry> all = h.read("t", Role.PHONE, 0, 1_000).result();
    assertEquals(100, all.size());
    for (int i = 0; i < 100; i++) {
      assertEquals("m" + (200 + i), all.get(i).messageId());
      assertArrayEquals(frames.get(200 + i), all.get(i).frame());
      if (i > 0) assertEquals(all.get(i - 1).seq() + 1, all.get(i).seq(), "consecutive numbers");
    }
    assertEquals(200, metrics.undeliveredCount(dev.coralmux.relay.metrics.DropReason.HISTORY_TRIMMED));
    assertEquals(100, h.logsOf(Role.PHONE).get("t").indexedIds(), "trimmed ids leave the index");
    byte[] f = {'{', '}'};
    assertTrue(h.keep("t", keep("m250", f, 100, 1L << 30), 2, c -> true).duplicate(), "a kept id is found");
    assertFalse(h.keep("t", keep("m0", f, 100, 1L << 30), 2, c -> true).duplicate(), "a trimmed id is forgotten");
  }

  @Test
  void idsThatShareAHashCodeAreToldApart() {
    assertEquals("Aa".hashCode(), "BB".hashCode());
    LocalHistory h = history();
    byte[] f = "{}".getBytes();
    long aa = h.keep("t", keep("Aa", f, 10, 1 << 20), 2, c -> true).seq();
    LocalHistory.Kept bb = h.keep("t", keep("BB", f, 10, 1 << 20), 2, c -> true);
    assertFalse(bb.duplicate(), "same hash, another id");
    assertEquals(bb.seq(), h.keep("t", keep("BB", f, 10, 1 << 20), 2, c -> true).seq());
    assertEquals(aa, h.keep("t", keep("Aa", f, 10, 1 << 20), 2, c -> true).seq());
    String unicode = "caf\u00e9-\u2713-\ud83d\ude80";
    long u = h.keep("t", keep(unicode, f, 10, 1 << 20), 2, c -> true).seq();
    assertEquals(unicode, h.read("t", Role.PHONE, u - 1, 1).result().get(0).messageId(), "any id comes back exactly");
    assertEquals(new ReplayStart(u, u, 0, true), h.open("t", Role.PHONE, true, unicode).result());
  }

  @Test
  void aDuplicateIsFoundOnlyRateCountedAndToldWhetherItWasDelivered() {
    LocalHistory h = history();
    byte[] f = "{\"x\":1}".getBytes();
    long seq = h.keep("t", keep("a", f, 10, 1 << 20), f.length, charge -> true).seq();
    List<Long> charged = new ArrayList<>();
    LocalHistory.Kept again = h.keep("t", keep("a", f, 10, 1 << 20), f.length, charge -> charged.add(charge));
    assertTrue(again.duplicate());
    assertEquals(seq, again.seq());
    assertFalse(again.delivered());
    assertEquals(List.of(0L), charged, "a resend costs a rate slot, never quota");
    h.delivered("t", Role.PHONE, seq);
    assertTrue(h.keep("t", keep("a", f, 10, 1 << 20), f.length, charge -> true).delivered());
    assertNull(h.keep("t", keep("b", f, 10, 1 << 20), f.length, charge -> false), "refused: not kept");
    assertEquals(1, h.read("t", Role.PHONE, 0, 10).result().size());
  }

  @Test
  void whereAReaderStarts() {
    LocalHistory h = history();
    assertEquals(0, h.open("t", Role.AGENT, true, null).result().count());
    long first = 0;
    for (int i = 0; i < 5; i++) {
      byte[] f = ("{\"n\":" + i + "}").getBytes();
      long s = h.keep("t", new Keep(Role.AGENT, "m" + i, f, null, false, new HistoryBounds(10, 1 << 20, 60_000)),
          f.length, c -> true).seq();
      if (i == 0) first = s;
    }
    assertEquals(new ReplayStart(first + 1, first + 4, 3, true), h.open("t", Role.AGENT, true, "m1").result());
    assertFalse(h.open("t", Role.AGENT, true, "unknown").result().complete());
    h.delivered("t", Role.AGENT, first + 2);
    assertEquals(2, h.open("t", Role.AGENT, false, null).result().count(), "a v1 reader starts at its cursor");
  }

  @Test
  void savedAndLoadedExactlyAndIdleLogsAreDropped() throws Exception {
    LocalHistory h = history();
    byte[] f = new byte[40_000];
    new Random(3).nextBytes(f);
    h.keep("t", keep("big", f, 10, 1 << 20), f.length, c -> true);
    LocalHistory loaded = history();
    HistoryFile.decodeInto(loaded, HistoryFile.encode(h), "test");
    List<Entry> back = loaded.read("t", Role.PHONE, 0, 10).result();
    assertEquals(1, back.size());
    assertArrayEquals(f, back.get(0).frame());
    assertTrue(loaded.keep("t", keep("big", f, 10, 1 << 20), f.length, c -> true).duplicate(), "ids survive too");

    now.addAndGet(61_000); // past the time to live
    loaded.sweep();
    assertEquals(0, loaded.size()[0]);
    assertEquals(0, loaded.read("t", Role.PHONE, 0, 10).result().size());
  }
}
