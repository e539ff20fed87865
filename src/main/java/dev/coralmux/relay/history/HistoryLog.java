package dev.coralmux.relay.history;

import dev.coralmux.relay.routing.ConnRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of one token in a standalone relay's history: consecutive sequence numbers, the
 * frames off the heap ({@link OffHeapFrames}), ids for duplicates and {@code last_id}, the
 * reader's cursor. Not thread-safe except {@link #cursor}: used under its own lock.
 */
final class HistoryLog {

  /** A kept message; its bytes are in the log's frames. */
  private record Stored(long seq, String messageId, OffHeapFrames.Slot frame, ConnRef sender, boolean wantsAck,
                        long keptAtMs) {}

  private final ArrayDeque<Stored> entries = new ArrayDeque<>();
  private final Map<String, Long> ids = new HashMap<>();
  private final OffHeapFrames frames = new OffHeapFrames();
  long lastSeq;
  long bytes;
  /** Delivered up to: moved by the reader's writes without the log's lock. */
  final AtomicLong cursor = new AtomicLong();
  /** The newest sequence number trimmed away (0: nothing ever was). */
  long trimmedTo;
  long touchedAt;
  boolean removed;

  HistoryLog(long firstSeq) {
    this.lastSeq = firstSeq - 1;
  }

  long nextSeq() {
    return lastSeq + 1;
  }

  int size() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  long append(long seq, String messageId, byte[] frame, ConnRef sender, boolean wantsAck, long keptAtMs) {
    entries.addLast(new Stored(seq, messageId, frames.put(frame), sender, wantsAck, keptAtMs));
    ids.put(messageId, seq);
    bytes += frame.length;
    lastSeq = seq;
    return seq;
  }

  LocalHistory.Kept duplicate(String messageId) {
    Long seq = ids.get(messageId);
    return seq == null ? null : new LocalHistory.Kept(seq, true, seq <= cursor.get());
  }

  /** @return how many trimmed messages had not been delivered */
  long trim(int maxMessages, long maxBytes, long oldestKeptAt) {
    long lost = 0;
    long delivered = cursor.get();
    while (!entries.isEmpty() && (entries.size() > maxMessages || bytes > maxBytes
        || entries.peekFirst().keptAtMs() < oldestKeptAt)) {
      Stored e = entries.pollFirst();
      ids.remove(e.messageId());
      bytes -= e.frame().length();
      frames.release(e.frame());
      trimmedTo = e.seq();
      if (e.seq() > delivered) lost++;
    }
    return lost;
  }

  /** The log is dropped: its off-heap bytes go back at once. */
  void discard() {
    removed = true;
    entries.clear();
    ids.clear();
    frames.releaseAll();
  }

  ReplayStart start(boolean resume, String lastId) {
    long delivered = cursor.get();
    long after;
    boolean complete;
    if (!resume) {
      after = delivered;
      complete = trimmedTo <= delivered;
    } else if (lastId == null) {
      after = 0;
      complete = trimmedTo == 0;
    } else {
      Long seq = ids.get(lastId);
      after = seq == null ? 0 : seq;
      complete = seq != null;
    }
    return new ReplayStart(after, lastSeq, count(after), complete);
  }

  /** Kept messages after {@code after}: they are consecutive, so this is arithmetic. */
  private int count(long after) {
    if (entries.isEmpty() || after >= lastSeq) return 0;
    return (int) (lastSeq - Math.max(after, entries.peekFirst().seq() - 1));
  }

  /** Up to {@code max} messages after {@code after}, their bytes copied onto the heap. */
  List<Entry> after(long after, int max) {
    List<Entry> out = new ArrayList<>(Math.min(max, entries.size()));
    for (Stored e : entries) {
      if (e.seq() <= after) continue;
      out.add(new Entry(e.seq(), e.messageId(), OffHeapFrames.get(e.frame()), e.sender(), e.wantsAck(), e.keptAtMs()));
      if (out.size() == max) break;
    }
    return out;
  }
}
