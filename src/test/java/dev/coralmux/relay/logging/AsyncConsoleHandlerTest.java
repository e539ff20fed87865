package dev.coralmux.relay.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A console that does not take what is written (a stalled pipe) never holds up the thread that
 * logs: records wait in a bounded queue, the excess is dropped, and the log says how many.
 */
class AsyncConsoleHandlerTest {
  private static final int LINES = 50_000;

  /** An output that takes nothing until released, as a pipe nobody reads. */
  static final class StalledOutput extends OutputStream {
    final CountDownLatch released = new CountDownLatch(1);
    final ByteArrayOutputStream taken = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        taken.write(b, off, len);
      }
    }

    synchronized String text() {
      return taken.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  @Timeout(60)
  void loggingNeverWaitsForAStalledConsoleAndDropsAreSaid() throws Exception {
    StalledOutput stalled = new StalledOutput();
    ConsoleHandler like = new ConsoleHandler();
    like.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        return r.getMessage() + "\n";
      }
    });
    AsyncConsoleHandler handler = new AsyncConsoleHandler(like, new PrintStream(stalled, false, StandardCharsets.UTF_8));
    long start = System.nanoTime();
    for (int i = 0; i < LINES; i++) handler.publish(new LogRecord(Level.INFO, "line " + i));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    // Reaching here at all is the point (a synchronous console would wait forever); printed, not asserted.
    System.out.println("published " + LINES + " lines to a stalled console in " + tookMs + " ms");
    stalled.released.countDown();
    handler.close();
    String out = stalled.text();
    int written = 0;
    long dropped = 0;
    int last = -1;
    for (String line : out.split("\n")) {
      if (line.startsWith("line ")) {
        int n = Integer.parseInt(line.substring(5));
        assertTrue(n > last, "in order: " + n + " after " + last);
        last = n;
        written++;
      } else if (line.startsWith("[log] ")) {
        dropped += Long.parseLong(line.split(" ")[1]);
      }
    }
    assertTrue(dropped > 0, "a stalled console cannot have taken 50,000 lines: some were dropped, and said");
    assertEquals(LINES, written + dropped, "every line written or counted as dropped: " + written + " + " + dropped);
  }
}
