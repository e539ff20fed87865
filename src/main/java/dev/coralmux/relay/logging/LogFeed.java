package dev.coralmux.relay.logging;

import dev.coralmux.relay.metrics.RelayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.LogRecord;

/**
 * The dashboard's log stream, cluster-wide: this node's log lines (INFO and above, the production
 * log's JSON lines plus {@code "node"}) are published to every node over the event bus (the local
 * one standalone), and each node hands every node's lines to the streams it serves. Bounded and
 * never blocking: lines wait in a buffer of {@value #CAPACITY} and leave in batches of at most
 * {@value #BATCH} every {@value #FLUSH_MS} ms; past that they are dropped, counted, and the stream
 * is told how many. Lines are only taken while someone watches: a node serving a stream says so
 * to all every few seconds. Tokens never reach a line whole ({@link Redaction}), payloads never
 * reach the log at all.
 */
public final class LogFeed extends VerticleBase {
  static final String ADDRESS = "coralmux.logs";
  static final String WATCH_ADDRESS = "coralmux.logs.watch";
  static final int CAPACITY = 1_000;
  static final int BATCH = 250;
  static final long FLUSH_MS = 250;
  private static final long WATCH_EVERY_MS = 2_000;
  private static final long WATCH_LASTS_MS = 3 * WATCH_EVERY_MS;
  private static final int MAX_FIELD_CHARS = 4_000;

  private final String nodeId;
  private final RelayMetrics metrics;
  private final JsonLogFormatter format = new JsonLogFormatter();
  private final ConcurrentLinkedQueue<String> buffer = new ConcurrentLinkedQueue<>();
  private final AtomicInteger buffered = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final List<Consumer<List<String>>> subscribers = new CopyOnWriteArrayList<>();
  private volatile long watchedUntil;

  public LogFeed(String nodeId, RelayMetrics metrics) {
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<String>consumer(ADDRESS, m -> deliver(new JsonArray(m.body())));
    vertx.eventBus().<String>consumer(WATCH_ADDRESS, m -> watchedUntil = System.currentTimeMillis() + WATCH_LASTS_MS);
    vertx.setPeriodic(FLUSH_MS, t -> flush());
    vertx.setPeriodic(WATCH_EVERY_MS, t -> {
      if (!subscribers.isEmpty()) announce();
    });
    LogCapture.add(this);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    LogCapture.remove(this);
    return Future.succeededFuture();
  }

  /**
   * @param subscriber gets every node's lines, a batch at a time, on this feed's event loop: hop
   *     to your own context, and drop what you cannot write
   * @return unsubscribes
   */
  public Runnable subscribe(Consumer<List<String>> subscriber) {
    subscribers.add(subscriber);
    announce(); // every node starts taking lines now, not at the next announcement
    return () -> subscribers.remove(subscriber);
  }

  /** A line of the relay's own about the stream (lines dropped), shaped like a log line. */
  public static String notice(String nodeId, String message) {
    return new JsonObject().put("ts", Instant.now().toString()).put("level", "WARNING")
        .put("logger", LogFeed.class.getName()).put("message", message).put("node", nodeId).encode();
  }

  boolean runsOn(Vertx owner) {
    return vertx == owner;
  }

  boolean watched() {
    return System.currentTimeMillis() < watchedUntil;
  }

  /** From any thread that logs: formats the record and buffers it, or counts it dropped. */
  void offer(LogRecord record) {
    if (buffered.incrementAndGet() > CAPACITY) {
      buffered.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    JsonObject line = format.toJson(record).put("node", nodeId);
    for (String field : new String[] {"message", "trace"}) {
      String v = line.getString(field);
      if (v != null && v.length() > MAX_FIELD_CHARS) line.put(field, v.substring(0, MAX_FIELD_CHARS) + "…");
    }
    buffer.add(line.encode());
  }

  private void announce() {
    vertx.eventBus().publish(WATCH_ADDRESS, nodeId);
  }

  /** One batch to every node (this one included). */
  private void flush() {
    List<String> lines = new ArrayList<>();
    for (String l; lines.size() < BATCH && (l = buffer.poll()) != null; ) {
      buffered.decrementAndGet();
      lines.add(l);
    }
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      metrics.logLinesDropped(lost);
      lines.add(notice(nodeId, lost + " log lines of this node were not streamed (more than "
          + CAPACITY + " waiting)"));
    }
    if (!lines.isEmpty()) vertx.eventBus().publish(ADDRESS, new JsonArray(lines).encode());
  }

  private void deliver(JsonArray batch) {
    if (subscribers.isEmpty()) return;
    List<String> lines = new ArrayList<>(batch.size());
    for (Object o : batch) lines.add((String) o);
    List<String> view = List.copyOf(lines);
    for (Consumer<List<String>> s : subscribers) s.accept(view);
  }
}
