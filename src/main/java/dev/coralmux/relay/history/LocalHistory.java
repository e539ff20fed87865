package dev.coralmux.relay.history;

import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * The history of a single node (standalone mode), in memory: one small log per token and direction
 * that has kept something, locked per log. A log whose messages have all expired is removed, so an
 * idle token costs nothing. Written to the data directory on graceful shutdown ({@link HistoryFile}).
 */
public final class LocalHistory implements History {

  /** What keeping a message did: its sequence number, or the one of the copy already kept. */
  public record Kept(long seq, boolean duplicate, boolean delivered) {}

  /** Per reader role, by token hash (a connection's hash string is one object, its hash code cached). */
  private final Map<Role, ConcurrentHashMap<String, HistoryLog>> logs = new EnumMap<>(Map.of(
      Role.PHONE, new ConcurrentHashMap<>(), Role.AGENT, new ConcurrentHashMap<>()));
  private final LongSupplier clock;
  private final long ttlMs;
  private final RelayMetrics metrics;

  public LocalHistory(LongSupplier clockMillis, long ttlMs, RelayMetrics metrics) {
    this.clock = clockMillis;
    this.ttlMs = ttlMs;
    this.metrics = metrics;
    metrics.historySize(this::size);
  }

  private ConcurrentHashMap<String, HistoryLog> logs(Role reader) {
    return logs.get(reader);
  }

  /**
   * Keeps a message, or finds the copy kept already, under the log's one lock, with the limit
   * check in between: a duplicate is only rate-counted ({@code allow.test(0)}), a new message is
   * charged its bytes and kept only when allowed. Then the log is trimmed to its bounds.
   *
   * @return what was kept, or null when {@code allow} refused
   */
  public Kept keep(String tokenHash, Keep k, long bytes, LongPredicate allow) {
    long now = clock.getAsLong();
    while (true) {
      HistoryLog log = logs(k.reader()).computeIfAbsent(tokenHash, x -> new HistoryLog(History.firstSeq(now)));
      synchronized (log) {
        if (log.removed) continue; // swept away between lookup and lock: make a new one
        Kept dup = log.duplicate(k.messageId());
        if (dup != null) return allow.test(0) ? dup : null;
        if (!allow.test(bytes)) return null;
        long seq = log.append(log.nextSeq(), k.messageId(), k.frame(), k.sender(), k.wantsAck(), now);
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
      HistoryLog log = logs(reader).computeIfAbsent(tokenHash, x -> new HistoryLog(History.firstSeq(now)));
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
    HistoryLog log = logs(reader).get(tokenHash);
    if (log == null) return Future.succeededFuture(List.of());
    synchronized (log) {
      return Future.succeededFuture(log.after(after, max));
    }
  }

  @Override
  public void delivered(String tokenHash, Role reader, long seq) {
    HistoryLog log = logs(reader).get(tokenHash);
    if (log != null) log.cursor.accumulateAndGet(seq, Math::max); // per written message: no lock
  }

  @Override
  public void forget(String tokenHash) {
    for (Role r : Role.values()) {
      HistoryLog log = logs(r).remove(tokenHash);
      if (log != null) {
        synchronized (log) {
          log.discard();
        }
      }
    }
  }

  /** Forgets everything (a history file that could only be read in part). */
  public void clear() {
    logs.values().forEach(byToken -> {
      byToken.values().forEach(log -> {
        synchronized (log) {
          log.discard();
        }
      });
      byToken.clear();
    });
  }

  /** Drops expired messages everywhere, and logs left empty and unused for the time to live. Called now and then. */
  public void sweep() {
    long oldest = clock.getAsLong() - ttlMs;
    for (Map<String, HistoryLog> byToken : logs.values()) {
      for (String k : byToken.keySet()) sweep(byToken, k, oldest);
    }
  }

  private void sweep(Map<String, HistoryLog> byToken, String k, long oldest) {
    byToken.computeIfPresent(k, (x, log) -> {
      synchronized (log) {
        lost(log.trim(Integer.MAX_VALUE, Long.MAX_VALUE, oldest));
        if (!log.isEmpty() || log.touchedAt >= oldest) return log;
        log.discard();
        return null;
      }
    });
  }

  private void lost(long trimmedUndelivered) {
    if (trimmedUndelivered > 0) metrics.historyTrimmedUndelivered(trimmedUndelivered);
  }

  /** {messages, bytes} kept on this node. */
  public long[] size() {
    long[] out = new long[2];
    logs.values().forEach(byToken -> byToken.values().forEach(log -> {
      synchronized (log) {
        out[0] += log.size();
        out[1] += log.bytes;
      }
    }));
    return out;
  }

  // ---------------------------------------------------------------- persistence (HistoryFile)

  /** Every log of one reader role, for saving: token hash → (state, entries). */
  Map<String, HistoryLog> logsOf(Role reader) {
    return logs(reader);
  }

  void restore(Role reader, String tokenHash, HistoryLog log) {
    logs(reader).put(tokenHash, log);
  }
}
