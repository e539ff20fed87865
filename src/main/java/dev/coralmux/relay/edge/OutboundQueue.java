package dev.coralmux.relay.edge;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.WebSocketFrame;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What a connection has handed to its socket that the socket has not yet written, in bytes, with a
 * budget. A message counts as sent when its write completes, never when it is queued: the returned
 * future says which it was. An empty queue always takes one message, so any message within the
 * size limit can go out; past the budget new messages are refused and their sender told.
 */
final class OutboundQueue {
  private final Function<WebSocketFrame, Future<Void>> socket;
  private final long budgetBytes;
  private final LongSupplier clock;
  private long pendingBytes;
  private long lastProgressAt;

  /** @param socket writes one frame; its future completes when the frame left for the network */
  OutboundQueue(Function<WebSocketFrame, Future<Void>> socket, long budgetBytes, LongSupplier clock) {
    this.socket = socket;
    this.budgetBytes = budgetBytes;
    this.clock = clock;
  }

  boolean hasRoomFor(long size) {
    return pendingBytes == 0 || pendingBytes + size <= budgetBytes;
  }

  /**
   * Writes a frame; {@code done} fails when the socket closed before the frame was written. One
   * completion handler per write, no derived future: this runs for every forwarded message.
   */
  void write(WebSocketFrame frame, long size, Handler<AsyncResult<Void>> done) {
    if (pendingBytes == 0) lastProgressAt = clock.getAsLong();
    pendingBytes += size;
    socket.apply(frame).onComplete(ar -> {
      pendingBytes -= size;
      lastProgressAt = clock.getAsLong();
      done.handle(ar);
    });
  }

  long pendingBytes() {
    return pendingBytes;
  }

  /** True when bytes have waited and none was written for longer than {@code timeoutMs}. */
  boolean stalled(long now, long timeoutMs) {
    return pendingBytes > 0 && now - lastProgressAt > timeoutMs;
  }
}
