package dev.coralmux.relay.edge;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;

/**
 * Walks an edge verticle's connections through {@link Connection#reconcile()} after a partition
 * healed, a batch per timer tick: each costs one or two directory reads, and a node with 100,000
 * connections must not send 200,000 Redis calls at once nor hold its event loop for the walk.
 * A second heal during a walk walks again afterwards (every node back triggers it once).
 */
final class Reconciler {
  private static final int BATCH = 256;
  private static final long TICK_MS = 20;

  private final Vertx vertx;
  private final Deque<Connection> waiting = new ArrayDeque<>();
  private boolean again;

  Reconciler(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Call on the verticle's event loop. */
  void reconcile(Collection<Connection> connections) {
    if (!waiting.isEmpty()) {
      again = true;
      return;
    }
    waiting.addAll(connections);
    if (!waiting.isEmpty()) step(connections);
  }

  private void step(Collection<Connection> connections) {
    for (int i = 0; i < BATCH && !waiting.isEmpty(); i++) waiting.poll().reconcile();
    if (!waiting.isEmpty()) {
      vertx.setTimer(TICK_MS, t -> step(connections));
    } else if (again) {
      again = false;
      reconcile(connections);
    }
  }
}
