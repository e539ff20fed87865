package dev.coralmux.relay.edge;

import dev.coralmux.relay.history.Entry;
import dev.coralmux.relay.history.History;
import dev.coralmux.relay.history.HistoryBusy;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A reader connection's place in its history. Kept messages (those with a sequence number) reach the
 * client exactly once and in sequence order, whichever way they come: straight from the sender,
 * replayed on auth, or read back to fill a gap — a copy lost with a dead node or sent to the reader's
 * replaced connection, or one left out while the socket was full. The history is the source; a
 * direct delivery is only the fast path. Confined to the connection's event loop.
 *
 * <p>A number it already wrote is a repeat — unless it comes with another message: then the
 * history's numbering restarted below what this reader got (a Redis failover that lost the old
 * master's newest writes, docs/cluster.md) and the message is new. The last {@value #RECENT}
 * messages written are remembered to tell the two apart.
 *
 * <p>A message forwarded while its node could not reach Redis comes unnumbered but {@linkplain
 * EdgeMessage.Deliver#maybeKept maybe kept}: the call that would have kept it timed out, and Redis may
 * still have run it. It is written in turn like any unnumbered message, and its id remembered: if
 * the history turns out to hold it, that copy is skipped instead of written again.
 */
final class InOrderDelivery {
  private static final int PAGE = 64;
  private static final long RETRY_MS = 1_000;
  /** Kept messages remembered after they were written, to tell a renumbered message from a repeat. */
  static final int RECENT = 64;

  private final History history;
  private final String tokenHash;
  private final Role reader;
  private final ConnRef self;
  private final Socket outbox;
  private final RelayMetrics metrics;
  private final Vertx vertx;
  /** The newest sequence number handed to the socket. */
  private long written;
  /** The newest sequence number known to be kept for this reader. */
  private long known;
  /**
   * The last {@value #RECENT} kept messages handed to the socket, each as its number's low 32 bits
   * and its id's hash in one long (oldest overwritten first); made on the first one, so a connection
   * that never got any pays nothing.
   */
  private long[] recent;
  private int recentCount;
  /** Renumbered messages that found the socket full: they cannot be read back (their numbers are behind). */
  private ArrayDeque<EdgeMessage.Deliver> renumbered;
  /**
   * Messages that came straight from their sender while kept ones before them were still to be
   * read, in arrival order (at most {@value #ARRIVED_MAX}): written in turn after the read. A kept one
   * is not read again (a reader whose reads took longer than the gap between its messages never got
   * off the history: after a 3 s Redis freeze, 1,000 readers at 2 msg/s stayed on reads, p50 4 s); an
   * unnumbered one (v1, or decided while Redis did not answer) does not overtake them.
   */
  private ArrayDeque<Waiting> arrived;
  static final int ARRIVED_MAX = 64;

  /** A message that waits until everything kept up to {@code after} is written. */
  private record Waiting(EdgeMessage.Deliver d, long after) {}
  /** Ids written unnumbered but maybe kept, oldest first (at most {@value #UNKEPT_REMEMBERED}); null while none. */
  private LinkedHashSet<String> writtenUnkept;
  static final int UNKEPT_REMEMBERED = 1024;
  /**
   * Reads that failed in a row. One is not an outage — a Redis working off a backlog answers a read
   * late, and the next read succeeds — so the reader reads again and order holds; from
   * {@value #UNREADABLE_AFTER} on the history counts as unreadable until a read succeeds, and
   * unnumbered messages stop waiting for it.
   */
  private int readFailures;
  static final int UNREADABLE_AFTER = 2;
  /** A read was refused for overload ({@link HistoryBusy}); the next waits for its retry time. */
  private boolean busyUntilRetry;
  private boolean started;
  private boolean reading;
  private boolean closed;

  /** Where the messages go: the connection's {@link Outbox}. */
  interface Socket {
    boolean hasRoomFor(long size);

    void deliver(EdgeMessage.Deliver d);
  }

  InOrderDelivery(History history, String tokenHash, Role reader, ConnRef self, Socket outbox, RelayMetrics metrics,
                  Vertx vertx) {
    this.history = history;
    this.tokenHash = tokenHash;
    this.reader = reader;
    this.self = self;
    this.outbox = outbox;
    this.metrics = metrics;
    this.vertx = vertx;
  }

  /** The client is live and has everything up to {@code after}; the history holds up to {@code head}. */
  void start(long after, long head) {
    started = true;
    written = after;
    learn(head);
    pump();
  }

  /** A message exists up to {@code seq} (told before the start too: deliveries during auth are only hints). */
  void learn(long seq) {
    if (seq > known) known = seq;
  }

  void onDeliver(EdgeMessage.Deliver d) {
    if (!d.kept()) { // unnumbered: after what is kept before it, never read back
      if (!started || readFailures >= UNREADABLE_AFTER || !(reading || arrived != null || written < known)
          || !await(d, known)) {
        writeUnkept(d);
      }
      return;
    }
    if (!started) {
      learn(d.seq());
      return;
    }
    if (d.seq() <= written) {
      if (renumbered(d)) {
        metrics.historyRenumbered();
        deliverRenumbered(d);
      } else {
        metrics.repeatSkipped();
      }
      return;
    }
    if (d.seq() == written + 1 && writtenAlready(d.seq(), d.messageId())) return;
    if (!reading && renumbered == null && arrived == null && d.seq() == written + 1
        && outbox.hasRoomFor(d.frame().length)) {
      written = d.seq();
      learn(written);
      hand(d);
      return;
    }
    learn(d.seq());
    if (reading || arrived != null) await(d, d.seq() - 1); // past the bound: the next read brings it
    pump();
  }

  /** @return false when {@value #ARRIVED_MAX} wait already */
  private boolean await(EdgeMessage.Deliver d, long after) {
    if (arrived == null) arrived = new ArrayDeque<>();
    if (arrived.size() >= ARRIVED_MAX) return false;
    arrived.add(new Waiting(d, after));
    return true;
  }

  /** Writes what waits and may go now; stops at one that waits for a read, or at a full socket. */
  private void writeArrived() {
    while (arrived != null) {
      Waiting w = arrived.peek();
      if (w == null) {
        arrived = null;
        return;
      }
      EdgeMessage.Deliver d = w.d();
      if (w.after() > written || (d.kept() && d.seq() == written + 1 && !outbox.hasRoomFor(d.frame().length))) return;
      arrived.poll();
      if (!d.kept()) {
        writeUnkept(d);
      } else if (d.seq() > written && !writtenAlready(d.seq(), d.messageId())) { // else the read brought it
        written = d.seq();
        hand(d);
      }
    }
  }

  /** The history cannot be read now: unnumbered messages go without waiting for it (order gives way, nothing waits on an outage). */
  private void releaseUnkept() {
    if (arrived == null) return;
    arrived.removeIf(w -> {
      if (w.d().kept()) return false;
      writeUnkept(w.d());
      return true;
    });
    if (arrived.isEmpty()) arrived = null;
  }

  /** A maybe-kept message's id is remembered when it is written, so its kept copy is skipped later. */
  private void writeUnkept(EdgeMessage.Deliver d) {
    if (d.maybeKept() && d.messageId() != null && outbox.hasRoomFor(d.frame().length)) rememberUnkept(d.messageId());
    outbox.deliver(d); // full: bounced to its sender, so not remembered
  }

  /** The sender had messages kept up to {@code lastSeq} when it learned of this connection. */
  void onSync(long lastSeq) {
    learn(lastSeq);
    if (started) pump();
  }

  /** Reads how far the history goes and fetches what this reader lacks (rare: when the peer changes). */
  void catchUp() {
    history.open(tokenHash, reader, false, null).onSuccess(s -> onSync(s.head()));
  }

  /** A write completed: room again for what waits. */
  void onWritten() {
    if (started && (written < known || renumbered != null || arrived != null)) pump();
  }

  /** The connection closed: nothing more is read, and its cursor is written now. */
  void close() {
    closed = true;
    arrived = null;
    history.readerClosed(tokenHash, reader);
  }

  private void pump() {
    if (closed || !flushRenumbered() || reading) return;
    writeArrived();
    if (written >= known || !outbox.hasRoomFor(1) || busyUntilRetry) return;
    reading = true;
    // Everything up to here was kept before this read starts, so it is in the answer or gone for
    // good; a number learned while the read is on its way may not be in it yet.
    long keptBeforeRead = known;
    history.read(tokenHash, reader, written, PAGE).onComplete(ar -> {
      reading = false;
      if (closed) return;
      if (ar.failed()) { // the history does not answer: try again, the messages are still kept
        if (ar.cause() instanceof HistoryBusy busy) { // overload, not an outage: read later, nothing overtakes
          busyUntilRetry = true;
          vertx.setTimer(busy.retryAfterMs(), t -> {
            busyUntilRetry = false;
            pump();
          });
          return;
        }
        if (++readFailures < UNREADABLE_AFTER) {
          pump(); // at once: a late answer is not an outage, and nothing overtakes what waits
          return;
        }
        releaseUnkept();
        vertx.setTimer(RETRY_MS, t -> pump());
        return;
      }
      readFailures = 0;
      if (!flushRenumbered()) return; // they came first; onWritten reads again
      List<Entry> page = ar.result();
      if (page.isEmpty()) { // the rest was trimmed (counted when trimmed) or has expired
        written = Math.max(written, keptBeforeRead);
        pump(); // for what was learned meanwhile
        return;
      }
      for (Entry e : page) {
        writeArrived(); // what waits for exactly the messages before this one goes before it
        if (e.seq() > known) {
          // Not announced to this connection yet: its own copy is on its way, behind any unnumbered
          // message its sender sent before it, which it must not overtake. Everything kept up to
          // `known` was in this page (numbers grow), so what it lacked there is gone.
          written = Math.max(written, known);
          break;
        }
        if (e.seq() <= written || writtenAlready(e.seq(), e.messageId())) continue;
        if (!outbox.hasRoomFor(e.frame().length)) return; // onWritten carries on
        written = e.seq();
        learn(written);
        metrics.historyReplayed();
        hand(new EdgeMessage.Deliver(self, e.sender(), e.messageId(), e.frame(), 0, e.seq(),
            e.wantsAck() && e.sender() != null));
      }
      pump();
    });
  }

  private void rememberUnkept(String messageId) {
    if (writtenUnkept == null) writtenUnkept = new LinkedHashSet<>();
    writtenUnkept.add(messageId);
    if (writtenUnkept.size() > UNKEPT_REMEMBERED) writtenUnkept.remove(writtenUnkept.iterator().next());
  }

  /**
   * Whether the next kept message was written already, unnumbered ({@link #rememberUnkept}): then it
   * counts as written (cursor too) and is skipped.
   */
  private boolean writtenAlready(long seq, String messageId) {
    if (writtenUnkept == null || !writtenUnkept.remove(messageId)) return false;
    if (writtenUnkept.isEmpty()) writtenUnkept = null;
    written = seq;
    learn(seq);
    history.delivered(tokenHash, reader, seq);
    metrics.repeatSkipped();
    return true;
  }

  /** Writes a kept message and remembers it. */
  private void hand(EdgeMessage.Deliver d) {
    if (recent == null) recent = new long[RECENT];
    recent[recentCount++ % RECENT] = ((long) (int) d.seq() << 32) | (Objects.hashCode(d.messageId()) & 0xffffffffL);
    if (recentCount == 2 * RECENT) recentCount = RECENT; // stays full, never overflows
    outbox.deliver(d);
  }

  /**
   * A number at or below {@link #written} that this connection wrote lately with another message,
   * while this message was not written lately (nor waits): the numbering restarted, it is new. A
   * number not remembered is taken for a repeat, as before (a hash collision too: 1 in 2^32).
   */
  private boolean renumbered(EdgeMessage.Deliver d) {
    if (recent == null) return false;
    int id = Objects.hashCode(d.messageId());
    boolean numberWritten = false;
    for (int i = Math.min(recentCount, RECENT) - 1; i >= 0; i--) {
      if ((int) recent[i] == id) return false;
      if ((int) (recent[i] >>> 32) == (int) d.seq()) numberWritten = true;
    }
    if (renumbered != null) {
      for (EdgeMessage.Deliver w : renumbered) if (Objects.equals(w.messageId(), d.messageId())) return false;
    }
    return numberWritten;
  }

  /** Written now, in arrival order: a read on its way brings only numbers above {@link #written}, which come later. */
  private void deliverRenumbered(EdgeMessage.Deliver d) {
    if (renumbered == null && outbox.hasRoomFor(d.frame().length)) {
      hand(d);
      return;
    }
    if (renumbered == null) renumbered = new ArrayDeque<>(4);
    renumbered.add(d); // few: each has a number written lately, and a repeat is not added
  }

  /** Writes the renumbered messages that wait, as the socket takes them; true when none is left. */
  private boolean flushRenumbered() {
    while (renumbered != null) {
      EdgeMessage.Deliver d = renumbered.peek();
      if (!outbox.hasRoomFor(d.frame().length)) return false;
      renumbered.poll();
      if (renumbered.isEmpty()) renumbered = null;
      hand(d);
    }
    return true;
  }
}
