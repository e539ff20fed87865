package dev.coralmux.relay.edge;

import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;

/**
 * The receiving side of {@link CrossNodeSends}: which numbered messages from the current peer
 * connection reached this connection's node. A number skipped means the event bus lost those
 * messages on the way, and is said at once; what arrived is confirmed in the next batch of
 * {@link Receipts}. Confined to the connection's event loop.
 */
final class Arrivals {
  private final ConnRef self;
  private final Receipts receipts;
  private ConnRef from;
  private long last;
  private boolean queued;

  Arrivals(ConnRef self, Receipts receipts) {
    this.self = self;
    this.receipts = receipts;
  }

  /** {@code existing}, or the connection's first (made only once a peer on another node sent to it). */
  static Arrivals of(Arrivals existing, ConnRef self, Receipts receipts) {
    return existing != null ? existing : new Arrivals(self, receipts);
  }

  /** Called for every numbered message meant for this connection, whatever becomes of it here. @return this */
  Arrivals arrived(EdgeMessage m) {
    ConnRef sender = m.sender();
    long n = m.confirmSeq();
    if (from == null || !from.equals(sender)) {
      if (from != null && sender.epoch() < from.epoch()) return this; // a replaced sender: fenced, not counted
      from = sender;
      last = 0;
    }
    if (n <= last) return this;
    if (n > last + 1) receipts.neverArrived(sender, self, last + 1, n - 1);
    last = n;
    if (!queued) {
      queued = true;
      receipts.confirmLater(this);
    }
    return this;
  }

  /** For {@link Receipts}: what arrived up to now goes into the batch being written. */
  void writeTo(Receipts.Batch batch) {
    queued = false;
    batch.add(from, self, last, 0);
  }

  String senderAddress() {
    return from.address();
  }
}
