package dev.coralmux.relay.history;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One log's frame bytes, kept off the Java heap in 32 KiB segments (a larger frame gets a segment
 * of its own). Kept messages live for thousands of messages; on the heap each would be copied by
 * every young collection until promoted and then fill the old generation (measured: the history's
 * cost was mostly GC, docs/BENCHMARKS.md). Here the GC sees a few segment objects per log. Frames
 * are trimmed oldest first, so segments empty in order; empty ones go back to a small node-wide
 * pool. Not thread-safe: used under its log's lock.
 */
final class OffHeapFrames {
  static final int SEGMENT_BYTES = 32 * 1024;
  private static final int POOL_MAX = 256; // 8 MiB of ready segments per process
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();

  /** A segment and how many kept frames still use it. */
  static final class Segment {
    final ByteBuffer buf;
    int live;

    Segment(ByteBuffer buf) {
      this.buf = buf;
    }
  }

  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  /** Where the last {@link #put} wrote, in the segment it returned. */
  private int lastOffset;

  /**
   * Keeps a frame and its message id side by side in one segment (the id off the heap too: see
   * {@link IdIndex}). @return the segment; {@link #lastOffset()} says where in it
   */
  Segment put(byte[] frame, byte[] id) {
    int length = frame.length + id.length;
    Segment tail = segments.peekLast();
    if (tail == null || tail.buf.remaining() < length) {
      tail = new Segment(allocate(length));
      segments.addLast(tail);
    }
    lastOffset = tail.buf.position();
    tail.buf.put(frame).put(id);
    tail.live++;
    return tail;
  }

  int lastOffset() {
    return lastOffset;
  }

  /** A copy on the heap of {@code length} bytes at {@code offset}. */
  static byte[] get(Segment s, int offset, int length) {
    byte[] out = new byte[length];
    s.buf.get(offset, out);
    return out;
  }

  /** A frame was trimmed: segments no frame uses any more are given back, oldest first. */
  void release(Segment s) {
    s.live--;
    while (!segments.isEmpty() && segments.peekFirst().live == 0) {
      Segment head = segments.peekFirst();
      if (head == segments.peekLast()) { // the one being written: start it over
        head.buf.clear();
        return;
      }
      segments.pollFirst();
      recycle(head.buf);
    }
  }

  void releaseAll() {
    while (!segments.isEmpty()) recycle(segments.pollFirst().buf);
  }

  private static ByteBuffer allocate(int atLeast) {
    if (atLeast <= SEGMENT_BYTES) {
      ByteBuffer pooled = POOL.poll();
      if (pooled != null) {
        POOLED.decrementAndGet();
        return pooled.clear();
      }
    }
    int size = Math.max(SEGMENT_BYTES, atLeast);
    try {
      return ByteBuffer.allocateDirect(size);
    } catch (OutOfMemoryError e) { // direct memory exhausted (-XX:MaxDirectMemorySize): the heap still works
      return ByteBuffer.allocate(size);
    }
  }

  private static void recycle(ByteBuffer buf) {
    if (buf.isDirect() && buf.capacity() == SEGMENT_BYTES && POOLED.incrementAndGet() <= POOL_MAX) {
      POOL.add(buf);
    } else if (buf.isDirect() && buf.capacity() == SEGMENT_BYTES) {
      POOLED.decrementAndGet(); // the pool is full: this one is freed with its buffer object
    }
  }
}
