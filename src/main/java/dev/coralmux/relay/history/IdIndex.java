package dev.coralmux.relay.history;

import java.util.function.LongPredicate;

/**
 * One log's message ids → sequence numbers, in two primitive arrays (open addressing, linear
 * probing): no object per kept message, so a young collection has nothing of it to copy (a map of
 * String → Long kept four objects per message alive for as long as the message; measured: they
 * tripled young pauses, docs/BENCHMARKS.md). Holds only each id's hash: the caller confirms a
 * candidate against the id kept beside its frame, since hashes collide.
 */
final class IdIndex {
  private static final int MIN_CAPACITY = 16;
  private int[] hashes = new int[MIN_CAPACITY];
  /** 0 marks a free slot: sequence numbers are positive. */
  private long[] seqs = new long[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  void put(int hash, long seq) {
    if (seq <= 0) throw new IllegalArgumentException("sequence numbers are positive: " + seq);
    if ((size + 1) * 2 > seqs.length) resize(seqs.length * 2);
    insert(hash, seq);
    size++;
  }

  /** @return the first sequence number stored under {@code hash} that {@code confirm} accepts, or 0 */
  long find(int hash, LongPredicate confirm) {
    int mask = seqs.length - 1;
    for (int i = home(hash, mask); seqs[i] != 0; i = (i + 1) & mask) {
      if (hashes[i] == hash && confirm.test(seqs[i])) return seqs[i];
    }
    return 0;
  }

  void remove(int hash, long seq) {
    int mask = seqs.length - 1;
    for (int i = home(hash, mask); seqs[i] != 0; i = (i + 1) & mask) {
      if (seqs[i] == seq) {
        deleteAt(i);
        return;
      }
    }
  }

  void clear() {
    hashes = new int[MIN_CAPACITY];
    seqs = new long[MIN_CAPACITY];
    size = 0;
  }

  /** Backward-shift deletion: entries after the hole that may live there move up, so no tombstones build up. */
  private void deleteAt(int hole) {
    int mask = seqs.length - 1;
    for (int j = (hole + 1) & mask; seqs[j] != 0; j = (j + 1) & mask) {
      int home = home(hashes[j], mask);
      boolean homeInHoleToJ = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!homeInHoleToJ) {
        hashes[hole] = hashes[j];
        seqs[hole] = seqs[j];
        hole = j;
      }
    }
    hashes[hole] = 0;
    seqs[hole] = 0;
    size--;
  }

  private void insert(int hash, long seq) {
    int mask = seqs.length - 1;
    int i = home(hash, mask);
    while (seqs[i] != 0) i = (i + 1) & mask;
    hashes[i] = hash;
    seqs[i] = seq;
  }

  private void resize(int capacity) {
    int[] oldHashes = hashes;
    long[] oldSeqs = seqs;
    hashes = new int[capacity];
    seqs = new long[capacity];
    for (int i = 0; i < oldSeqs.length; i++) {
      if (oldSeqs[i] != 0) insert(oldHashes[i], oldSeqs[i]);
    }
  }

  /** Spreads String hash codes (which differ mostly in their low bits for ids like "m1", "m2") over the table. */
  private static int home(int hash, int mask) {
    int h = hash * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
