package dev.coralmux.relay.logging;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
  private static final int BATCH = 1_024;
  private static final long IDLE_NANOS = 20_000_000;

  private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final PrintStream out;
  private final Thread writer;
  private volatile boolean closed;
  /** Whether lines name their source class and method (JUL finds them by walking the logging thread's stack). */
  private final boolean needsSource;

  /** Writes to {@code out} with the formatter and level of {@code like}. */
  AsyncConsoleHandler(Handler like, PrintStream out) {
    this.out = out;
    setFormatter(like.getFormatter());
    setLevel(like.getLevel());
    String format = System.getProperty("java.util.logging.SimpleFormatter.format",
        LogManager.getLogManager().getProperty("java.util.logging.SimpleFormatter.format"));
    needsSource = format == null || format.contains("%2$");
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
    // The caller is only known on this thread: found now if the format shows it, else not looked for.
    if (needsSource) record.getSourceClassName();
    else record.setSourceClassName(null);
    if (!queue.offer(record)) dropped.incrementAndGet();
  }

  /**
   * Drains the queue in batches, one write and one flush per batch, and sleeps when it is empty:
   * a logging thread only adds to the queue, and never wakes this one per line.
   */
  private void write() {
    List<LogRecord> batch = new ArrayList<>(BATCH);
    StringBuilder text = new StringBuilder(8_192);
    while (!closed || !queue.isEmpty()) {
      queue.drainTo(batch, BATCH);
      long lost = dropped.getAndSet(0);
      if (batch.isEmpty() && lost == 0) {
        LockSupport.parkNanos(IDLE_NANOS);
        continue;
      }
      for (LogRecord r : batch) {
        try {
          text.append(getFormatter().format(r));
        } catch (RuntimeException e) { // a formatter that throws must not end the log
          text.append("[log] a log line could not be formatted: ").append(e).append(System.lineSeparator());
        }
      }
      if (lost > 0) text.append("[log] ").append(lost).append(" log lines dropped: the console could not keep up")
          .append(System.lineSeparator());
      out.print(text);
      out.flush();
      text.setLength(0);
      batch.clear();
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
