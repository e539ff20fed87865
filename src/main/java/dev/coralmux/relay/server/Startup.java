package dev.coralmux.relay.server;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Blocking waits for the start of a node, on the thread that starts it (a main or test thread,
 * never an event loop). A dependency that is not up yet — Redis starting beside the relay, a
 * busy machine — is retried with back-off until a deadline, each wait logged, rather than
 * failing the node at the first try.
 */
final class Startup {
  private static final Logger LOG = Logger.getLogger(Startup.class.getName());
  private static final long FIRST_WAIT_MS = 250;
  private static final long MAX_WAIT_MS = 5_000;

  private Startup() {}

  static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("could not " + what + ": interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("could not " + what + ": " + e, e);
    }
  }

  /** Tries {@code attempt} until it succeeds or {@code deadlineMs} has passed (then the last error is thrown). */
  static <T> T retry(Supplier<Future<T>> attempt, String what, long deadlineMs) {
    long giveUpAt = System.currentTimeMillis() + deadlineMs;
    long wait = FIRST_WAIT_MS;
    for (int n = 1; ; n++) {
      try {
        return await(attempt.get(), what);
      } catch (IllegalStateException e) {
        long left = giveUpAt - System.currentTimeMillis();
        if (left <= 0) {
          throw new IllegalStateException(e.getMessage() + " (gave up after " + n + " attempts in "
              + deadlineMs / 1000 + " s)", e.getCause());
        }
        LOG.warning(e.getMessage() + "; attempt " + n + ", retrying in " + Math.min(wait, left) + " ms (gives up in "
            + left / 1000 + " s)");
        try {
          Thread.sleep(Math.min(wait, left)); // the starting thread, not an event loop
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("could not " + what + ": interrupted", ie);
        }
        wait = Math.min(wait * 2, MAX_WAIT_MS);
      }
    }
  }

  /** Waits up to {@code timeoutMs} for best-effort work at shutdown; a failure or timeout is only logged. */
  static void awaitQuietly(Future<?> f, long timeoutMs) {
    try {
      f.toCompletionStage().toCompletableFuture().get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warning("did not finish at shutdown: " + e);
    }
  }
}
