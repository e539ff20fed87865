package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte budget, progress tracking, and write outcomes reported when the socket reports them. */
class OutboundQueueTest {
  private final List<Promise<Void>> writes = new ArrayList<>();
  private long now = 1_000;
  private final OutboundQueue queue = new OutboundQueue(frame -> {
    Promise<Void> p = Promise.promise();
    writes.add(p);
    return p.future();
  }, 100, () -> now);

  private Future<Void> write(int size) {
    Promise<Void> done = Promise.promise();
    queue.write(WebSocketFrame.textFrame("x", true), size, ar -> {
      if (ar.succeeded()) done.complete();
      else done.fail(ar.cause());
    });
    return done.future();
  }

  @Test
  void anEmptyQueueTakesOneMessageOfAnySize() {
    assertTrue(queue.hasRoomFor(10_000));
    write(10_000);
    assertFalse(queue.hasRoomFor(1));
  }

  @Test
  void theBudgetIsCountedUntilWritesComplete() {
    write(60);
    assertTrue(queue.hasRoomFor(40));
    assertFalse(queue.hasRoomFor(41));
    writes.get(0).complete();
    assertEquals(0, queue.pendingBytes());
    assertTrue(queue.hasRoomFor(100));
  }

  @Test
  void aWriteThatFailsIsReportedAsFailedAndFreesItsBytes() {
    Future<Void> f = write(50);
    assertFalse(f.isComplete(), "queued is not written");
    writes.get(0).fail("closed");
    assertTrue(f.failed());
    assertEquals(0, queue.pendingBytes());
  }

  @Test
  void stalledOnlyWhenBytesWaitWithoutProgress() {
    assertFalse(queue.stalled(now + 1_000_000, 500), "nothing waiting is never stalled");
    write(10);
    write(10);
    now += 400;
    writes.get(0).complete();
    now += 400;
    assertFalse(queue.stalled(now, 500), "a write completed 400 ms ago");
    now += 200;
    assertTrue(queue.stalled(now, 500));
  }
}
