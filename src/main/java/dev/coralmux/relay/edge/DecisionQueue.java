package dev.coralmux.relay.edge;

import dev.coralmux.relay.limits.Decision;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One connection's limit decisions, applied strictly in the order their frames arrived however the
 * checks complete (Redis calls in cluster mode are pipelined, not one round trip at a time).
 * Bounded by count and by the bytes the waiting messages hold: when either bound is reached the
 * socket is paused until decisions drain. Confined to the connection's event loop.
 */
final class DecisionQueue {

  private record Pending(Future<Decision> decision, long bytes, Consumer<Decision> then, Runnable abandoned) {}

  private final int maxCount;
  private final long maxBytes;
  private final Function<Throwable, Decision> onFailure;
  private final Runnable pause;
  private final Runnable resume;
  private ArrayDeque<Pending> queue;
  private long bytes;
  private boolean paused;
  private boolean closed;

  /**
   * @param onFailure the decision for a check that failed (the configured limiter-error policy)
   * @param pause stops reading the socket while the queue is full; {@code resume} reads again
   */
  DecisionQueue(int maxCount, long maxBytes, Function<Throwable, Decision> onFailure, Runnable pause, Runnable resume) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.onFailure = onFailure;
    this.pause = pause;
    this.resume = resume;
  }

  /**
   * Runs {@code then} with the decision once every earlier one has run. A decision already known
   * runs at once when nothing is waiting (the standalone fast path).
   *
   * @param bytes what the waiting message holds in memory
   * @param abandoned run instead of {@code then} when the connection closes first (to count the loss)
   */
  void add(Future<Decision> decision, long bytes, Consumer<Decision> then, Runnable abandoned) {
    if (closed) {
      abandoned.run();
      return;
    }
    if (queue == null && decision.isComplete()) {
      then.accept(outcome(decision));
      return;
    }
    if (queue == null) queue = new ArrayDeque<>();
    queue.add(new Pending(decision, bytes, then, abandoned));
    this.bytes += bytes;
    if (!paused && full()) {
      paused = true;
      pause.run();
    }
    decision.onComplete(ar -> runReady());
  }

  private void runReady() {
    while (queue != null && !queue.isEmpty() && queue.peek().decision().isComplete()) {
      Pending p = queue.poll();
      bytes -= p.bytes();
      p.then().accept(outcome(p.decision()));
    }
    if (queue != null && queue.isEmpty()) queue = null;
    if (paused && !closed && !full()) {
      paused = false;
      resume.run();
    }
  }

  private boolean full() {
    return queue != null && (queue.size() >= maxCount || bytes >= maxBytes);
  }

  private Decision outcome(Future<Decision> decision) {
    return decision.succeeded() ? decision.result() : onFailure.apply(decision.cause());
  }

  /** The connection closed: nothing waiting runs any more; each is reported as abandoned. */
  void close() {
    closed = true;
    if (queue == null) return;
    ArrayDeque<Pending> dropped = queue;
    queue = null;
    bytes = 0;
    dropped.forEach(p -> p.abandoned().run());
  }

  int size() {
    return queue == null ? 0 : queue.size();
  }

  long bytes() {
    return bytes;
  }
}
