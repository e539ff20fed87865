package dev.coralmux.relay.history;

import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The history of a single node (standalone mode), in memory: one small log per token and direction
 * that has kept something, locked per log. A log whose messages have all expired is removed, so an
 * idle token costs nothing. Written to the data directory on graceful shutdown ({@link HistoryFile}).
 */
public final class LocalHistory implements History {

  /** What keeping a message did: its sequence number, or the one of the copy already kept. */
  public record Kept(long seq, boolean duplicate, boolean delivered) {}

  private final ConcurrentHashMap<String, Log> logs = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long ttlMs;
  private final RelayMetrics metrics;

  public LocalHistory(LongSupplier clockMillis, long ttlMs, RelayMetrics metrics) {
    this.clock = clockMillis;
    this.ttlMs = ttlMs;
    this.metrics = metrics;
    metrics.historySize(this::size);
  }

  private static String key(String tokenHash, Role reader) {
    return tokenHash + ":" + reader.wire();
  }

  /** The copy of {@code messageId} already kept for this direction, or null. */
  public Kept duplicate(String tokenHash, Keep k) {
    Log log = logs.get(key(tokenHash, k.reader()));
    if (log == null) return null;
    synchronized (log) {
      return log.duplicate(k.messageId());
    }
  }

  /** Keeps a message (or finds the copy kept already) and trims the log to its bounds. */
  public Kept keep(String tokenHash, Keep k) {
    long now = clock.getAsLong();
    while (true) {
      Log log = logs.computeIfAbsent(key(tokenHash, k.reader()), x -> new Log(History.firstSeq(now)));
      synchronized (log) {
        if (log.removed) continue; // swept away between lookup and lock: make a new one
        Kept dup = log.duplicate(k.messageId());
        if (dup != null) return dup;
        long seq = log.append(new Entry(log.nextSeq(), k.messageId(), k.frame(), k.sender(), k.wantsAck(), now));
        log.touchedAt = now;
        lost(log.trim(k.bounds().maxMessages(), k.bounds().maxBytes(), now - ttlMs));
        return new Kept(seq, false, false);
      }
    }
  }

  /**
   * Opens the reader's log, making an empty one if there is none: the reader then knows the number
   * the first kept message will have, and takes it straight from its sender (no read back).
   */
  @Override
  public Future<ReplayStart> open(String tokenHash, Role reader, boolean resume, String lastId) {
    long now = clock.getAsLong();
    while (true) {
      Log log = logs.computeIfAbsent(key(tokenHash, reader), x -> new Log(History.firstSeq(now)));
      synchronized (log) {
        if (log.removed) continue;
        lost(log.trim(Integer.MAX_VALUE, Long.MAX_VALUE, now - ttlMs));
        log.touchedAt = now;
        return Future.succeededFuture(log.start(resume, lastId));
      }
    }
  }

  @Override
  public Future<List<Entry>> read(String tokenHash, Role reader, long after, int max) {
    Log log = logs.get(key(tokenHash, reader));
    if (log == null) return Future.succeededFuture(List.of());
    synchronized (log) {
      return Future.succeededFuture(log.after(after, max));
    }
  }

  @Override
  public void delivered(String tokenHash, Role reader, long seq) {
    Log log = logs.get(key(tokenHash, reader));
    if (log == null) return;
    synchronized (log) {
      if (seq > log.cursor) log.cursor = seq;
    }
  }

  @Override
  public void forget(String tokenHash) {
    for (Role r : Role.values()) {
      Log log = logs.remove(key(tokenHash, r));
      if (log != null) {
        synchronized (log) {
          log.removed = true;
        }
      }
    }
  }

  /** Forgets everything (a history file that could only be read in part). */
  public void clear() {
    logs.clear();
  }

  /** Drops expired messages everywhere, and logs left empty and unused for the time to live. Called now and then. */
  public void sweep() {
    long oldest = clock.getAsLong() - ttlMs;
    for (String k : logs.keySet()) {
      logs.computeIfPresent(k, (x, log) -> {
        synchronized (log) {
          lost(log.trim(Integer.MAX_VALUE, Long.MAX_VALUE, oldest));
          if (!log.entries.isEmpty() || log.touchedAt >= oldest) return log;
          log.removed = true;
          return null;
        }
      });
    }
  }

  private void lost(long trimmedUndelivered) {
    if (trimmedUndelivered > 0) metrics.historyTrimmedUndelivered(trimmedUndelivered);
  }

  /** {messages, bytes} kept on this node. */
  public long[] size() {
    long[] out = new long[2];
    logs.values().forEach(log -> {
      synchronized (log) {
        out[0] += log.entries.size();
        out[1] += log.bytes;
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- persistence (HistoryFile)

  /** Every log, for saving: key → (state, entries). */
  Map<String, Log> logs() {
    return logs;
  }

  void restore(String key, Log log) {
    logs.put(key, log);
  }

  /** One direction of one token. Not thread-safe: used under its own lock. */
  static final class Log {
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    final Map<String, Long> ids = new HashMap<>();
    long lastSeq;
    long bytes;
    long cursor;
    /** The newest sequence number trimmed away (0: nothing ever was). */
    long trimmedTo;
    long touchedAt;
    boolean removed;

    Log(long firstSeq) {
      this.lastSeq = firstSeq - 1;
    }

    long nextSeq() {
      return lastSeq + 1;
    }

    long append(Entry e) {
      entries.addLast(e);
      ids.put(e.messageId(), e.seq());
      bytes += e.frame().length;
      lastSeq = e.seq();
      return e.seq();
    }

    Kept duplicate(String messageId) {
      Long seq = ids.get(messageId);
      return seq == null ? null : new Kept(seq, true, seq <= cursor);
    }

    /** @return how many trimmed messages had not been delivered */
    long trim(int maxMessages, long maxBytes, long oldestKeptAt) {
      long lost = 0;
      while (!entries.isEmpty() && (entries.size() > maxMessages || bytes > maxBytes
          || entries.peekFirst().keptAtMs() < oldestKeptAt)) {
        Entry e = entries.pollFirst();
        ids.remove(e.messageId());
        bytes -= e.frame().length;
        trimmedTo = e.seq();
        if (e.seq() > cursor) lost++;
      }
      return lost;
    }

    ReplayStart start(boolean resume, String lastId) {
      long after;
      boolean complete;
      if (!resume) {
        after = cursor;
        complete = trimmedTo <= cursor;
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

    List<Entry> after(long after, int max) {
      List<Entry> out = new ArrayList<>(Math.min(max, entries.size()));
      for (Entry e : entries) {
        if (e.seq() <= after) continue;
        out.add(e);
        if (out.size() == max) break;
      }
      return out;
    }
  }
}
