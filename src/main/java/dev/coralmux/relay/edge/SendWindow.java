package dev.coralmux.relay.edge;

/**
 * The bytes one edge verticle's connections may have on their way to other nodes unconfirmed.
 * Confined to the verticle's event loop. Past the bound messages are refused to their senders,
 * so a slow or silent node never grows this node's event-bus queues without end.
 */
final class SendWindow {
  private final long max;
  private long used;

  SendWindow(long max) {
    this.max = max;
  }

  boolean tryTake(int bytes) {
    if (used + bytes > max) return false;
    used += bytes;
    return true;
  }

  void give(int bytes) {
    used -= bytes;
  }

  long used() {
    return used;
  }
}
