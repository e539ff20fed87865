package dev.coralmux.relay.logging;

import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The console log, written by a thread of its own: an event loop that logs (a connect, a
 * disconnect) only puts the record in a bounded queue, and never waits for formatting, redaction or
 * a slow stderr (a pipe to a log collector that stalls). When the queue is full the line is dropped
 * and counted, and the writer says how many it dropped once it catches up: never silently.
 */
public final class AsyncConsoleHandler extends Handler {
  private static final int CAPACITY = 16_384;
  private static final long CLOSE_WAIT_MS = 2_000;

  private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final PrintStream out;
  private final Thread writer;
  private volatile boolean closed;

  private AsyncConsoleHandler(Handler like, PrintStream out) {
    this.out = out;
    setFormatter(like.getFormatter());
    setLevel(like.getLevel());
    writer = new Thread(this::write, "coralmux-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Replaces the root logger's console handlers (formatter and level kept); idempotent. */
  public static synchronized void install() {
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      if (h instanceof ConsoleHandler) {
        root.removeHandler(h);
        root.addHandler(new AsyncConsoleHandler(h, System.err));
      }
    }
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) return;
    if (!queue.offer(record)) dropped.incrementAndGet();
  }

  private void write() {
    try {
      while (!closed || !queue.isEmpty()) {
        LogRecord r = queue.poll(200, TimeUnit.MILLISECONDS);
        if (r != null) out.print(getFormatter().format(r));
        long lost = dropped.getAndSet(0);
        if (lost > 0) out.println("[log] " + lost + " log lines dropped: the console could not keep up");
        if (queue.isEmpty()) out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) { // a formatter that throws must not end the log
      out.println("[log] a log line could not be written: " + e);
      if (!closed) write();
    }
  }

  /** Never waits (it may be called on an event loop): what is queued is written by the writer. */
  @Override
  public void flush() {
    out.flush();
  }

  /** At shutdown (JUL's reset): writes what is queued, waiting a bounded time. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(CLOSE_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.flush();
  }
}
