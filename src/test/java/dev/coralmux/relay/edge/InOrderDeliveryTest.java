package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.history.Entry;
import dev.coralmux.relay.history.History;
import dev.coralmux.relay.history.ReplayStart;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
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

  @AfterEach
  void close() {
    vertx.close();
  }

  /** Kept messages, and reads that wait until {@link #answer()}. */
  static final class SlowHistory implements History {
    final TreeMap<Long, Entry> kept = new TreeMap<>();
    final List<Runnable> pending = new ArrayList<>();

    void keep(long seq) {
      kept.put(seq, new Entry(seq, "m" + seq, ("{" + seq + "}").getBytes(), null, false, 0));
    }

    /** Answers the oldest read. */
    void answer() {
      org.junit.jupiter.api.Assertions.assertFalse(pending.isEmpty(), "the reader stopped reading: a kept message was skipped");
      pending.remove(0).run();
    }

    @Override
    public Future<List<Entry>> read(String tokenHash, Role reader, long after, int max) {
      // Answered with what was kept when the read was made (Redis ran it then), delivered later.
      List<Entry> now = new ArrayList<>(kept.tailMap(after, false).values());
      List<Entry> page = now.subList(0, Math.min(max, now.size()));
      Promise<List<Entry>> p = Promise.promise();
      pending.add(() -> p.complete(page));
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

  /** A socket with room for everything, recording what was written. */
  static final class Written implements InOrderDelivery.Socket {
    final List<Long> seqs = new ArrayList<>();

    @Override
    public boolean hasRoomFor(long size) {
      return true;
    }

    @Override
    public void deliver(EdgeMessage.Deliver d) {
      seqs.add(d.seq());
    }
  }

  private EdgeMessage.Deliver deliver(long seq) {
    return new EdgeMessage.Deliver(self, sender, "m" + seq, ("{" + seq + "}").getBytes(), 1, seq, false);
  }

  @Test
  void aMessageKeptWhileAReadIsOnItsWayIsNotSkipped() {
    SlowHistory h = new SlowHistory();
    Written out = new Written();
    InOrderDelivery d = new InOrderDelivery(h, "t", Role.AGENT, self, out, new RelayMetrics(), vertx);
    d.start(0, 100); // an empty history whose next number is 101; a read for the gap 1..100 starts
    h.keep(101);
    d.onDeliver(deliver(101)); // kept and sent after the read started
    h.answer(); // the read saw nothing: 1..100 are gone, but not 101
    h.answer(); // the read for 101
    assertEquals(List.of(101L), out.seqs);
  }

  @Test
  void directDeliveriesGapsAndRepeatsComeOutOnceInOrder() {
    SlowHistory h = new SlowHistory();
    Written out = new Written();
    InOrderDelivery d = new InOrderDelivery(h, "t", Role.AGENT, self, out, new RelayMetrics(), vertx);
    d.start(10, 10);
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
    SlowHistory h = new SlowHistory();
    Written out = new Written();
    InOrderDelivery d = new InOrderDelivery(h, "t", Role.AGENT, self, out, new RelayMetrics(), vertx);
    d.start(5, 5);
    h.keep(6);
    h.keep(7);
    d.onSync(7); // no copy of 6 or 7 ever reached this connection
    h.answer();
    assertEquals(List.of(6L, 7L), out.seqs);
  }
}
