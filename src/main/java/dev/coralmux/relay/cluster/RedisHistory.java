package dev.coralmux.relay.cluster;

import dev.coralmux.relay.history.Entry;
import dev.coralmux.relay.history.History;
import dev.coralmux.relay.history.HistoryBusy;
import dev.coralmux.relay.history.ReplayStart;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The history in Redis, shared by the cluster: a stream per token and direction whose entry ids are
 * the sequence numbers, a hash of message ids (duplicates, {@code last_id}) and a small state hash.
 * Messages are added by {@code limit.lua} with their limit check; this reads them. Cursors
 * ("delivered up to") are written in batches every {@link #CURSOR_FLUSH_MS} ({@link #flushCursors}),
 * not per message (still one Redis call per message): a node killed with -9 may give a v1 reader
 * that reconnects elsewhere that much again. A {@code resume} reader names its own last id.
 */
public final class RedisHistory implements History {
  public static final long CURSOR_FLUSH_MS = 200;
  private static final RedisScripts.Script OPEN = RedisScripts.Script.load("history_open");
  private static final RedisScripts.Script CURSOR = RedisScripts.Script.load("history_cursor");

  private final RedisScripts redis;
  private final Map<String, Long> cursors = new ConcurrentHashMap<>();
  private final long ttlMs;
  /** Cursor writes at a time: well inside an event loop's bound of unanswered calls ({@code redis.max_in_flight}). */
  private static final int CURSOR_BATCH = 256;
  /** The cursor write under way, if any. */
  private Future<Void> flushing = Future.succeededFuture();

  public RedisHistory(RedisScripts redis, long ttlMs) {
    this.redis = redis;
    this.ttlMs = ttlMs;
  }

  /** How a sender connection is written in a stream entry, to be told "delivered" later. */
  static String senderField(ConnRef sender, boolean wantsAck) {
    return sender.address() + "|" + sender.connId() + "|" + sender.epoch() + "|" + (wantsAck ? 1 : 0);
  }

  @Override
  public Future<ReplayStart> open(String hash, Role reader, boolean resume, String lastId) {
    String r = reader.wire();
    String[] keys = {RedisKeys.historyMeta(hash, r), RedisKeys.historyStream(hash, r), RedisKeys.historyIds(hash, r)};
    return redis.run(OPEN, keys, resume ? "resume" : "cursor", lastId == null ? "" : lastId, System.currentTimeMillis(), ttlMs)
        .map(a -> new ReplayStart(a.get(0).toLong(), a.get(1).toLong(), a.get(2).toInteger(), a.get(3).toInteger() == 1));
  }

  @Override
  public Future<List<Entry>> read(String hash, Role reader, long after, int max) {
    Request xrange = Request.cmd(Command.XRANGE).arg(RedisKeys.historyStream(hash, reader.wire()))
        .arg((after + 1) + "-0").arg("+").arg("COUNT").arg(max);
    return redis.sendInOrder(xrange).map(RedisHistory::entries).recover(e -> {
      long retryAfterMs = RedisScripts.overloaded(e);
      return Future.failedFuture(retryAfterMs >= 0 ? new HistoryBusy(retryAfterMs) : e);
    });
  }

  private static List<Entry> entries(Response r) {
    List<Entry> out = new ArrayList<>(r == null ? 0 : r.size());
    if (r == null) return out;
    for (Response item : r) {
      String id = item.get(0).toString();
      long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
      Response fields = item.get(1);
      String messageId = null;
      byte[] frame = null;
      String sender = null;
      long keptAt = 0;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "i" -> messageId = fields.get(i + 1).toString();
          case "f" -> frame = fields.get(i + 1).toBytes();
          case "s" -> sender = fields.get(i + 1).toString();
          case "t" -> keptAt = fields.get(i + 1).toLong();
          default -> { } // "a" is read with the sender
        }
      }
      if (frame == null) continue;
      ConnRef ref = null;
      boolean wantsAck = false;
      if (sender != null) {
        String[] p = sender.split("\\|");
        if (p.length == 4) {
          ref = new ConnRef(p[0], Long.parseLong(p[1]), Long.parseLong(p[2]));
          wantsAck = p[3].equals("1");
        }
      }
      out.add(new Entry(seq, messageId, frame, ref, wantsAck, keptAt));
    }
    return out;
  }

  @Override
  public void delivered(String hash, Role reader, long seq) {
    cursors.merge(RedisKeys.historyMeta(hash, reader.wire()), seq, Math::max);
  }

  @Override
  public void readerClosed(String hash, Role reader) {
    String key = RedisKeys.historyMeta(hash, reader.wire());
    Long seq = cursors.remove(key);
    if (seq != null) redis.runInOrder(CURSOR, new String[] {key}, seq).onFailure(e -> cursors.merge(key, seq, Math::max));
  }

  /**
   * Writes the cursors moved since the last write, {@value #CURSOR_BATCH} calls at a time on this
   * event loop's connection. While a write is still under way (Redis slow or stalled) this returns
   * it and starts nothing: cursors that keep moving are written once it ends, never queued twice.
   */
  public synchronized Future<Void> flushCursors() {
    if (!flushing.isComplete()) return flushing;
    flushing = writeCursors(new ArrayList<>(cursors.keySet()), 0);
    return flushing;
  }

  /** Waits for a write under way, then writes what moved meanwhile (on shutdown). */
  public Future<Void> flushAllCursors() {
    Future<Void> current;
    synchronized (this) {
      current = flushing;
    }
    return current.transform(ar -> flushCursors());
  }

  private Future<Void> writeCursors(List<String> keys, int from) {
    List<Future<Response>> writes = new ArrayList<>();
    int end = Math.min(keys.size(), from + CURSOR_BATCH);
    for (String key : keys.subList(from, end)) {
      Long seq = cursors.remove(key);
      if (seq == null) continue;
      writes.add(redis.runInOrder(CURSOR, new String[] {key}, seq)
          .onFailure(e -> cursors.merge(key, seq, Math::max))); // tried again next time
    }
    return Future.join(writes).transform(ar -> {
      if (ar.failed()) return Future.failedFuture(ar.cause()); // the rest waits for the next flush
      return end == keys.size() ? Future.succeededFuture() : writeCursors(keys, end);
    });
  }

  @Override
  public void forget(String hash) {
    for (Role r : Role.values()) {
      redis.send(Request.cmd(Command.DEL).arg(RedisKeys.historyMeta(hash, r.wire()))
          .arg(RedisKeys.historyStream(hash, r.wire())).arg(RedisKeys.historyIds(hash, r.wire())));
    }
  }
}
