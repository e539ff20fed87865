package dev.coralmux.relay.http;

import dev.coralmux.relay.logging.JsonLogFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * The relay's log as a live feed for admins (SSE): every record at INFO or above, as the same JSON
 * line the production log writes. The relay's log never holds payloads, and tokens only as ids.
 */
final class LogStream extends Handler {
  private static final LogStream INSTANCE = new LogStream();
  private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final JsonLogFormatter format = new JsonLogFormatter();

  private LogStream() {
    setLevel(Level.INFO);
    LogManager.getLogManager().getLogger("").addHandler(this);
  }

  static LogStream get() {
    return INSTANCE;
  }

  /** @param subscriber called on the logging thread; hop to your own context */
  Runnable subscribe(Consumer<String> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  @Override
  public void publish(LogRecord record) {
    if (subscribers.isEmpty() || !isLoggable(record)) return;
    String line = format.format(record).strip();
    subscribers.forEach(s -> s.accept(line));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
