package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.history.Entry;
import dev.coralmux.relay.history.History;
import dev.coralmux.relay.history.HistoryBusy;
import dev.coralmux.relay.history.ReplayStart;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reader's rule without sockets or timing: a history whose reads answer only when the test
 * says, so every interleaving of reads, appends and direct deliveries can be played in order.
 */
class InOrderDeliveryTest {
  private final Vertx vertx = Vertx.vertx();
  private final ConnRef self = new ConnRef("edge", 1, 1);
  private final ConnRef sender = new ConnRef("edge", 2, 2);
  private final SlowHistory h = new SlowHistory();
  private final Written out = new Written();

  @AfterEach
  void close() {
    vertx.close();
  }

  /** Kept messages, and reads that wait until {@link #answer()}. */
  static final class SlowHistory implements History {
    final TreeMap<Long, Entry> kept = new TreeMap<>();
    final List<Runnable> pending = new ArrayList<>();
    final List<Promise<List<Entry>>> promises = new ArrayList<>();

    void keep(long seq) {
      keep(seq, "m" + seq);
    }

    void keep(long seq, String id) {
      kept.put(seq, new Entry(seq, id, ("{" + id + "}").getBytes(), null, false, 0));
    }

    /** Answers the oldest read. */
    void answer() {
      org.junit.jupiter.api.Assertions.assertFalse(pending.isEmpty(), "the reader stopped reading: a kept message was skipped");
      promises.remove(0);
      pending.remove(0).run();
    }

    /** The oldest read is refused for overload (Redis far behind), to be read again in {@code ms}. */
    void busy(long ms) {
      pending.remove(0);
      promises.remove(0).fail(new HistoryBusy(ms));
    }

    /** The oldest read fails (Redis does not answer). */
    void fail() {
      pending.remove(0);
      promises.remove(0).fail("Redis does not answer");
    }

    @Override
    public Future<List<Entry>> read(String tokenHash, Role reader, long after, int max) {
      // Answered with what was kept when the read was made (Redis ran it then), delivered later.
      List<Entry> now = new ArrayList<>(kept.tailMap(after, false).values());
      List<Entry> page = now.subList(0, Math.min(max, now.size()));
      Promise<List<Entry>> p = Promise.promise();
      pending.add(() -> p.complete(page));
      promises.add(p);
      return p.future();
    }

    @Override
    public Future<ReplayStart> open(String tokenHash, Role reader, boolean resume, String lastId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delivered(String tokenHash, Role reader, long seq) {}

    @Override
    public void forget(String tokenHash) {}
  }

  /** A socket with room for everything (unless told otherwise), recording what was written. */
  static final class Written implements InOrderDelivery.Socket {
    final List<Long> seqs = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    boolean full;

    @Override
    public boolean hasRoomFor(long size) {
      return !full;
    }

    @Override
    public void deliver(EdgeMessage.Deliver d) {
      seqs.add(d.seq());
      ids.add(d.messageId());
    }
  }

  private EdgeMessage.Deliver deliver(long seq) {
    return deliver(seq, "m" + seq);
  }

  private EdgeMessage.Deliver deliver(long seq, String id) {
    return new EdgeMessage.Deliver(self, sender, id, ("{" + id + "}").getBytes(), 1, seq, false);
  }

  @Test
  void aMessageKeptWhileAReadIsOnItsWayIsNotSkipped() {
    InOrderDelivery d = new InOrderDelivery(h, "t", Role.AGENT, self, out, new RelayMetrics(), vertx);
    d.start(0, 100); // an empty history whose next number is 101; a read for the gap 1..100 starts
    h.keep(101);
    d.onDeliver(deliver(101)); // kept and sent after the read started
    h.answer(); // the read saw nothing: 1..100 are gone, but not 101, which came during the read
    assertEquals(List.of(101L), out.seqs);
    assertEquals(List.of(), h.pending, "written as it came: not read again");
  }

  @Test
  void directDeliveriesGapsAndRepeatsComeOutOnceInOrder() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    for (long s = 11; s <= 15; s++) h.keep(s);
    d.onDeliver(deliver(11)); // the fast path
    d.onDeliver(deliver(13)); // 12 went elsewhere (a replaced connection): read it back
    d.onDeliver(deliver(14)); // waits behind the read
    h.answer();
    d.onDeliver(deliver(12)); // the copy re-routed late: a repeat
    d.onDeliver(deliver(15));
    assertEquals(List.of(11L, 12L, 13L, 14L, 15L), out.seqs);
  }

  @Test
  void aSyncFromANewSenderFetchesWhatItsOldConnectionSentElsewhere() {
    InOrderDelivery d = new InOrderDelivery(h, "t", Role.AGENT, self, out, new RelayMetrics(), vertx);
    d.start(5, 5);
    h.keep(6);
    h.keep(7);
    d.onSync(7); // no copy of 6 or 7 ever reached this connection
    h.answer();
    assertEquals(List.of(6L, 7L), out.seqs);
  }

  /**
   * After a Redis failover that lost the old master's newest writes, the history numbers new
   * messages again from where the promoted replica was: below what this reader has written. They
   * come with other ids than the messages written under those numbers, so they are new: written,
   * once, in arrival order. A copy of either kind seen again is still a repeat.
   */
  @Test
  void aNumberingThatRestartedBelowWhatWasWrittenIsNotTakenForRepeats() {
    RelayMetrics metrics = new RelayMetrics();
    InOrderDelivery d = startedAfter10(metrics);
    for (long s = 11; s <= 14; s++) d.onDeliver(deliver(s, "old" + s)); // numbered by the old master
    for (long s = 12; s <= 15; s++) d.onDeliver(deliver(s, "new" + s)); // the new master's counter was at 11
    d.onDeliver(deliver(13, "new13")); // a repeat of a renumbered message
    d.onDeliver(deliver(13, "old13")); // and of one numbered before
    d.onDeliver(deliver(16, "new16"));
    assertEquals(List.of("old11", "old12", "old13", "old14", "new12", "new13", "new14", "new15", "new16"), out.ids);
    assertEquals(3, metrics.toJson().getJsonObject("history").getLong("renumbered"));
    assertEquals(2, metrics.toJson().getJsonObject("history").getLong("repeats_skipped"));
  }

  @Test
  void aRenumberedMessageThatFindsTheSocketFullWaitsAndGoesBeforeAnythingNewer() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    d.onDeliver(deliver(11, "old11"));
    d.onDeliver(deliver(12, "old12"));
    h.keep(11, "new11"); // the new master's history
    h.keep(12, "new12");
    h.keep(13, "new13");
    out.full = true;
    d.onDeliver(deliver(11, "new11")); // cannot be read back later (its number is behind): it waits
    d.onDeliver(deliver(12, "new12"));
    d.onDeliver(deliver(12, "new12")); // a repeat of one that waits
    d.onDeliver(deliver(13, "new13")); // the next number, but not before those
    out.full = false;
    d.onWritten();
    h.answer(); // the read for 13
    assertEquals(List.of("old11", "old12", "new11", "new12", "new13"), out.ids);
  }

  @Test
  void gapFillingAfterARenumberingWritesNothingTwice() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    d.onDeliver(deliver(11, "old11"));
    d.onDeliver(deliver(12, "old12"));
    for (long s = 11; s <= 15; s++) h.keep(s, "new" + s);
    d.onDeliver(deliver(11, "new11"));
    d.onDeliver(deliver(12, "new12"));
    d.onDeliver(deliver(15, "new15")); // 13 and 14 went elsewhere: read back after 12
    d.onDeliver(deliver(11, "new11")); // while the read is on its way: a repeat
    h.answer();
    d.onDeliver(deliver(14, "new14")); // the re-routed copy, late: a repeat
    assertEquals(List.of("old11", "old12", "new11", "new12", "new13", "new14", "new15"), out.ids);
  }

  @Test
  void aNumberNotRememberedIsStillARepeat() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    d.onDeliver(deliver(9, "other")); // before this connection started: nothing to compare with
    for (long s = 11; s <= 11 + InOrderDelivery.RECENT; s++) d.onDeliver(deliver(s));
    d.onDeliver(deliver(11, "other")); // written too long ago to be remembered
    d.onDeliver(deliver(12 + InOrderDelivery.RECENT, "next"));
    assertEquals(InOrderDelivery.RECENT + 2, out.ids.size());
    assertEquals("next", out.ids.get(out.ids.size() - 1));
  }

  @Test
  void whatArrivesDuringAReadIsWrittenAfterItWithoutReadingItAgain() {
    InOrderDelivery d = readingFor11();
    h.keep(13);
    d.onDeliver(deliver(13)); // while the read is on its way
    d.onDeliver(deliver(14)); // not kept yet when the read was made, nor in order after a gap: still fine
    h.answer(); // brings 11 and 12 (what was kept when it was made)
    assertEquals(List.of(11L, 12L, 13L, 14L), out.seqs);
    assertEquals(List.of(), h.pending, "no read for what came straight from the sender");
    d.onDeliver(deliver(15));
    assertEquals(List.of(11L, 12L, 13L, 14L, 15L), out.seqs, "back on the fast path");
  }

  /**
   * Written unnumbered while its node could not reach Redis (the check timed out), then kept after
   * all when Redis ran that check late: the copy the next gap-fill reads is not written again.
   */
  @Test
  void aMessageWrittenUnnumberedButKeptAfterAllIsNotWrittenTwice() {
    RelayMetrics metrics = new RelayMetrics();
    InOrderDelivery d = startedAfter10(metrics);
    d.onDeliver(deliver(-1, "late")); // maybe kept: written at once
    d.onDeliver(deliver(-1, "late2"));
    h.keep(11, "late");
    h.keep(12, "late2");
    h.keep(13);
    d.onDeliver(deliver(13)); // 11 and 12 look missing: read back, and skipped
    h.answer();
    assertEquals(List.of("late", "late2", "m13"), out.ids);
    assertEquals(2, metrics.toJson().getJsonObject("history").getLong("repeats_skipped"));
  }

  @Test
  void anUnnumberedMessageDoesNotOvertakeKeptOnesStillToBeRead() {
    InOrderDelivery d = readingFor11();
    d.onDeliver(deliver(0, "v1")); // unnumbered (history off for it, or decided while Redis did not answer)
    d.onDeliver(deliver(-1, "maybe"));
    h.keep(13);
    d.onDeliver(deliver(13));
    assertEquals(List.of(), out.ids, "all wait for 11");
    h.answer();
    assertEquals(List.of("m11", "m12", "v1", "maybe", "m13"), out.ids);
    d.onDeliver(deliver(0, "v2"));
    assertEquals("v2", out.ids.get(out.ids.size() - 1), "nothing to wait for: written at once");
  }

  @Test
  void anUnnumberedMessageGoesBetweenTheKeptOnesItCameBetweenWhenTheyAreReadInOnePage() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    h.keep(11);
    out.full = true;
    d.onDeliver(deliver(11)); // the socket is full: 11 will be read back
    d.onDeliver(deliver(0, "v1")); // sent after 11
    h.keep(12);
    d.onDeliver(deliver(12)); // sent after v1
    out.full = false;
    d.onWritten(); // one read brings 11 and 12
    h.answer();
    assertEquals(List.of("m11", "v1", "m12"), out.ids);
  }

  @Test
  void whenTheHistoryCannotBeReadUnnumberedMessagesDoNotWaitForIt() {
    InOrderDelivery d = readingFor11();
    d.onDeliver(deliver(0, "v1"));
    h.fail(); // once: read again at once, v1 still waits
    assertEquals(List.of(), out.ids);
    h.fail(); // twice in a row: Redis does not answer; the kept ones wait for it, the unnumbered one goes
    assertEquals(List.of("v1"), out.ids);
    d.onDeliver(deliver(0, "v2")); // nor does a later one wait for a read that is not answered
    assertEquals(List.of("v1", "v2"), out.ids);
  }

  /**
   * Seen after a 3 s Redis freeze under load: the first read after it timed out while Redis worked
   * off its backlog; the unnumbered message that waited went at once, ahead of kept ones sent before
   * it, which the next read (0.7 s later) brought. One failed read is now read again first.
   */
  @Test
  void aReadThatFailsOnceIsReadAgainBeforeAnythingOvertakesWhatItBrings() {
    InOrderDelivery d = readingFor11();
    d.onDeliver(deliver(0, "local")); // decided while the sender's node did not hear Redis
    h.fail(); // the read timed out
    assertEquals(List.of(), out.ids, "nothing overtakes 11 and 12 on one late answer");
    h.answer(); // read again at once
    assertEquals(List.of("m11", "m12", "local"), out.ids);
    h.keep(13);
    h.keep(14);
    d.onDeliver(deliver(14)); // a later read that fails once counts from zero again
    d.onDeliver(deliver(0, "local2"));
    h.fail();
    h.answer();
    assertEquals(List.of("m11", "m12", "local", "m13", "m14", "local2"), out.ids);
  }

  /**
   * A read refused because Redis has the event loop's bound of calls unanswered is overload, not an
   * outage: it is read again after the time it names (not at once, not counted as a failure), and
   * what waits for it keeps waiting. The reader's timer runs on the event loop, so every step does.
   */
  @Test
  void aReadRefusedForOverloadIsReadAgainLaterAndNothingOvertakesWhatItBrings() throws Exception {
    Context loop = vertx.getOrCreateContext();
    InOrderDelivery d = onLoop(loop, this::readingFor11);
    onLoop(loop, () -> {
      d.onDeliver(deliver(0, "local"));
      h.busy(20);
      assertEquals(List.of(), h.pending, "not read again at once");
      h.keep(13);
      d.onDeliver(deliver(13));
      assertEquals(List.of(), h.pending, "nor when more arrives meanwhile");
      return null;
    });
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onLoop(loop, () -> h.pending.size()) == 1);
    onLoop(loop, () -> {
      h.busy(20); // and again: still not an outage
      assertEquals(List.of(), out.ids, "the unnumbered one waits for 11 and 12");
      return null;
    });
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onLoop(loop, () -> h.pending.size()) == 1);
    onLoop(loop, () -> {
      h.answer();
      assertEquals(List.of("m11", "m12", "local", "m13"), out.ids);
      return null;
    });
  }

  private static <T> T onLoop(Context loop, java.util.concurrent.Callable<T> step) throws Exception {
    java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        done.complete(step.call());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    try {
      return done.get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof AssertionError a) throw a;
      throw e;
    }
  }

  /**
   * Seen after a Redis freeze: a read for a gap brought, besides the gap, a kept message sent after
   * two unnumbered ones (decided locally) that were still on their way; written from the page, it
   * overtook them. A page is written only as far as this connection has heard of.
   */
  @Test
  void aReadDoesNotBringAMessageAheadOfUnnumberedOnesSentBeforeIt() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    d.onDeliver(deliver(-1, "maybe")); // written at once; Redis ran its call late: it is 11
    h.keep(11, "maybe");
    h.keep(12);
    h.keep(13); // sent after "local", kept before the read below runs
    d.onDeliver(deliver(12)); // 11 looks missing: a read starts
    h.answer(); // brings 11 (skipped), 12 and 13
    assertEquals(List.of("maybe", "m12"), out.ids, "13 waits for its own copy");
    d.onDeliver(deliver(0, "local"));
    d.onDeliver(deliver(13));
    assertEquals(List.of("maybe", "m12", "local", "m13"), out.ids);
    assertEquals(List.of(), h.pending, "nothing left to read");
  }

  /** What a page lacks below the last number heard of is gone (trimmed, or numbers that jumped): not read again and again. */
  @Test
  void aPageThatGoesPastWhatWasHeardOfEndsTheGap() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    h.keep(11);
    h.keep(50); // the numbering jumped past 12..20
    d.onSync(20); // a sender had kept up to 20: read 11..20
    h.answer();
    assertEquals(List.of("m11"), out.ids);
    assertEquals(List.of(), h.pending, "12..20 are not there: no read again");
    d.onDeliver(deliver(50));
    h.answer();
    assertEquals(List.of("m11", "m50"), out.ids);
  }

  /** A reader that has everything up to 10 and got 12 straight from its sender: a read for 11 is on its way. */
  private InOrderDelivery readingFor11() {
    InOrderDelivery d = startedAfter10(new RelayMetrics());
    h.keep(11);
    h.keep(12);
    d.onDeliver(deliver(12));
    return d;
  }

  /** A reader that has everything up to 10, with a history that holds up to 10. */
  private InOrderDelivery startedAfter10(RelayMetrics metrics) {
    InOrderDelivery d = new InOrderDelivery(h, "t", Role.AGENT, self, out, metrics, vertx);
    d.start(10, 10);
    return d;
  }
}
