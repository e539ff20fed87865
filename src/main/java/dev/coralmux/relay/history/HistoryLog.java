package dev.coralmux.relay.history;

import dev.coralmux.relay.routing.ConnRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of one token in a standalone relay's history: consecutive sequence numbers, the
 * frames and their ids off the heap ({@link OffHeapFrames}), what else a kept message needs in
 * primitive columns of a ring ({@link IdIndex} finds ids for duplicates and {@code last_id}), the
 * reader's cursor. No object per kept message: kept messages outlive many young collections, and
 * four small objects each made every collection copy them (docs/BENCHMARKS.md, "history metadata").
 * Not thread-safe except {@link #cursor}: used under its own lock.
 */
final class HistoryLog {
  private static final int MIN_CAPACITY = 16;

  private final OffHeapFrames frames = new OffHeapFrames();
  private final IdIndex ids = new IdIndex();
  // The ring: entry i (0 = oldest) is at (head + i) & (capacity - 1), with sequence number headSeq + i.
  private int head;
  private int count;
  private long headSeq;
  private OffHeapFrames.Segment[] segment = new OffHeapFrames.Segment[MIN_CAPACITY];
  private int[] offset = new int[MIN_CAPACITY];
  private int[] frameLength = new int[MIN_CAPACITY];
  private int[] idLength = new int[MIN_CAPACITY];
  private int[] idHash = new int[MIN_CAPACITY];
  private long[] keptAt = new long[MIN_CAPACITY];
  private ConnRef[] sender = new ConnRef[MIN_CAPACITY];
  private boolean[] wantsAck = new boolean[MIN_CAPACITY];

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
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** Keeps a message; sequence numbers of kept messages are consecutive (the first one may be any). */
  long append(long seq, String messageId, byte[] frame, ConnRef from, boolean ack, long keptAtMs) {
    if (count == 0) {
      headSeq = seq;
    } else if (seq != headSeq + count) {
      throw new IllegalArgumentException("kept messages are numbered consecutively: " + seq + " after " + (headSeq + count - 1));
    }
    if (count == segment.length) grow();
    int i = (head + count) & (segment.length - 1);
    byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
    segment[i] = frames.put(frame, id);
    offset[i] = frames.lastOffset();
    frameLength[i] = frame.length;
    idLength[i] = id.length;
    idHash[i] = messageId.hashCode();
    keptAt[i] = keptAtMs;
    sender[i] = from;
    wantsAck[i] = ack;
    count++;
    ids.put(idHash[i], seq);
    bytes += frame.length;
    lastSeq = seq;
    return seq;
  }

  LocalHistory.Kept duplicate(String messageId) {
    long seq = seqOf(messageId);
    return seq == 0 ? null : new LocalHistory.Kept(seq, true, seq <= cursor.get());
  }

  /** @return the sequence number of the kept message with this id, or 0 */
  private long seqOf(String messageId) {
    return ids.find(messageId.hashCode(), seq -> seq >= headSeq && seq < headSeq + count
        && messageId.equals(idAt(index(seq))));
  }

  /** Ids in the index: one per kept message. */
  int indexedIds() {
    return ids.size();
  }

  private int index(long seq) {
    return (int) ((head + (seq - headSeq)) & (segment.length - 1));
  }

  private String idAt(int i) {
    return new String(OffHeapFrames.get(segment[i], offset[i] + frameLength[i], idLength[i]), StandardCharsets.UTF_8);
  }

  /** @return how many trimmed messages had not been delivered */
  long trim(int maxMessages, long maxBytes, long oldestKeptAt) {
    long lost = 0;
    long delivered = cursor.get();
    while (count > 0 && (count > maxMessages || bytes > maxBytes || keptAt[head] < oldestKeptAt)) {
      ids.remove(idHash[head], headSeq);
      bytes -= frameLength[head];
      frames.release(segment[head]);
      segment[head] = null;
      sender[head] = null;
      trimmedTo = headSeq;
      if (headSeq > delivered) lost++;
      headSeq++;
      head = (head + 1) & (segment.length - 1);
      count--;
    }
    return lost;
  }

  /** The log is dropped: its off-heap bytes go back at once. */
  void discard() {
    removed = true;
    Arrays.fill(segment, null);
    Arrays.fill(sender, null);
    count = 0;
    ids.clear();
    frames.releaseAll();
  }

  /** Doubles the ring, oldest entry first at index 0. */
  private void grow() {
    int c = segment.length;
    int n = c * 2;
    segment = unroll(segment, new OffHeapFrames.Segment[n], c);
    offset = unroll(offset, new int[n], c);
    frameLength = unroll(frameLength, new int[n], c);
    idLength = unroll(idLength, new int[n], c);
    idHash = unroll(idHash, new int[n], c);
    keptAt = unroll(keptAt, new long[n], c);
    sender = unroll(sender, new ConnRef[n], c);
    wantsAck = unroll(wantsAck, new boolean[n], c);
    head = 0;
  }

  /** Copies a full ring into a larger array, oldest first. */
  private <A> A unroll(A from, A to, int capacity) {
    System.arraycopy(from, head, to, 0, capacity - head);
    System.arraycopy(from, 0, to, capacity - head, head);
    return to;
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
      long seq = seqOf(lastId);
      after = seq;
      complete = seq != 0;
    }
    return new ReplayStart(after, lastSeq, count(after), complete);
  }

  /** Kept messages after {@code after}: they are consecutive, so this is arithmetic. */
  private int count(long after) {
    if (count == 0 || after >= lastSeq) return 0;
    return (int) (lastSeq - Math.max(after, headSeq - 1));
  }

  /** Up to {@code max} messages after {@code after}, their bytes copied onto the heap. */
  List<Entry> after(long after, int max) {
    long from = Math.max(after + 1, headSeq);
    int n = (int) Math.max(0, Math.min(max, headSeq + count - from));
    List<Entry> out = new ArrayList<>(n);
    for (long seq = from; seq < from + n; seq++) {
      int i = index(seq);
      out.add(new Entry(seq, idAt(i), OffHeapFrames.get(segment[i], offset[i], frameLength[i]), sender[i], wantsAck[i],
          keptAt[i]));
    }
    return out;
  }
}
