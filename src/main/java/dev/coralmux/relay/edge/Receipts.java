package dev.coralmux.relay.edge;

import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One edge verticle's confirmations of cross-node deliveries, sent back in batches: at most one
 * event-bus message per sending verticle every {@value #DELAY_MS} ms however many messages
 * arrived, so confirming costs little at any rate. What never arrived is written before what
 * arrived, so a sender drops a confirmed number only after it heard of the gaps below it.
 * Confined to the verticle's event loop.
 */
final class Receipts {
  static final long DELAY_MS = 20;

  private final Vertx vertx;
  private final String address;
  private final Consumer<EdgeMessage> send;
  private final Map<String, Batch> lost = new HashMap<>();
  private final List<Arrivals> arrived = new ArrayList<>();
  private boolean scheduled;

  /** @param address this verticle's event-bus address (where the receivers are) */
  Receipts(Vertx vertx, String address, Consumer<EdgeMessage> send) {
    this.vertx = vertx;
    this.address = address;
    this.send = send;
  }

  void neverArrived(ConnRef sender, ConnRef receiver, long from, long to) {
    lost.computeIfAbsent(sender.address(), a -> new Batch()).add(sender, receiver, to, from);
    schedule();
  }

  void confirmLater(Arrivals a) {
    arrived.add(a);
    schedule();
  }

  private void schedule() {
    if (scheduled) return;
    scheduled = true;
    vertx.setTimer(DELAY_MS, t -> flush());
  }

  void flush() {
    scheduled = false;
    Map<String, Batch> out = new HashMap<>(lost);
    lost.clear();
    for (Arrivals a : arrived) a.writeTo(out.computeIfAbsent(a.senderAddress(), k -> new Batch()));
    arrived.clear();
    out.forEach((to, batch) -> send.accept(new EdgeMessage.Receipts(EdgeMessage.Receipts.verticle(to), address,
        batch.toArray())));
  }

  /** Entries in {@link EdgeMessage.Receipts} layout, for one sending verticle. */
  static final class Batch {
    private long[] entries = new long[EdgeMessage.Receipts.ENTRY];
    private int size;

    void add(ConnRef sender, ConnRef receiver, long a, long b) {
      if (size + EdgeMessage.Receipts.ENTRY > entries.length) entries = Arrays.copyOf(entries, entries.length * 2);
      entries[size++] = sender.connId();
      entries[size++] = sender.epoch();
      entries[size++] = receiver.connId();
      entries[size++] = receiver.epoch();
      entries[size++] = a;
      entries[size++] = b;
    }

    long[] toArray() {
      return Arrays.copyOf(entries, size);
    }
  }
}
