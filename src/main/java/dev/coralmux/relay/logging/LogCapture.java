package dev.coralmux.relay.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * The JVM's one log handler behind the dashboard's log stream: each record (INFO and above) goes
 * to the {@link LogFeed} of the node that logged it, found by the Vert.x instance whose thread
 * logged it. A record logged off Vert.x threads goes to the JVM's only node; where one JVM runs
 * several nodes (the tests) such a record names no node, and is left out rather than misnamed.
 * Never blocks: a feed only offers the line to its bounded buffer.
 */
final class LogCapture extends Handler {
  private static final LogCapture INSTANCE = new LogCapture();
  private final List<LogFeed> feeds = new CopyOnWriteArrayList<>();

  private LogCapture() {
    setLevel(Level.INFO);
    LogManager.getLogManager().getLogger("").addHandler(this);
  }

  static void add(LogFeed feed) {
    INSTANCE.feeds.add(feed);
  }

  static void remove(LogFeed feed) {
    INSTANCE.feeds.remove(feed);
  }

  @Override
  public void publish(LogRecord record) {
    if (feeds.isEmpty() || !isLoggable(record)) return;
    LogFeed feed = feedOf(Vertx.currentContext());
    if (feed != null && feed.watched()) feed.offer(record);
  }

  private LogFeed feedOf(Context context) {
    if (context != null) {
      for (LogFeed f : feeds) if (f.runsOn(context.owner())) return f;
      return null; // another Vert.x instance (a test's clients): not a node's line
    }
    List<LogFeed> now = List.copyOf(feeds);
    return now.size() == 1 ? now.get(0) : null;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
