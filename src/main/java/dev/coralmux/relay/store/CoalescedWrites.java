package dev.coralmux.relay.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Rewrites one file after changes, off the event loop, coalescing: while one write runs, later
 * changes wait for the next one, which carries them all — so many changes at once cost a few
 * writes, not one each — and each caller's future completes once its change is on disk.
 */
public final class CoalescedWrites {
  private final WorkerExecutor writer;
  private final Path file;
  private final Supplier<byte[]> content;
  private Promise<Void> next; // guarded by this: callers waiting for the next write
  private boolean writing; // guarded by this

  /**
   * @param writer an ordered single-thread worker, so writes never interleave
   * @param content the file's whole new content, taken on the writer thread when a write starts
   */
  public CoalescedWrites(WorkerExecutor writer, Path file, Supplier<byte[]> content) {
    this.writer = writer;
    this.file = file;
    this.content = content;
  }

  /** A write that starts after this call; completes when it is on disk. */
  public synchronized Future<Void> request() {
    if (next == null) next = Promise.promise();
    Future<Void> mine = next.future();
    if (!writing) start();
    return mine;
  }

  /** Called holding the lock. */
  private void start() {
    writing = true;
    Promise<Void> batch = next;
    next = null;
    writer.executeBlocking(() -> {
      AtomicFiles.write(file, content.get());
      return (Void) null;
    }, true).onComplete(ar -> {
      synchronized (this) {
        writing = false;
        if (next != null) start();
      }
      batch.handle(ar);
    });
  }
}
