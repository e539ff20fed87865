package dev.coralmux.relay.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Cluster membership news for the edge verticles: which node left. Empty in standalone mode. */
public final class Membership {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Membership.class.getName());
  private final List<Consumer<String>> nodeLeftListeners = new CopyOnWriteArrayList<>();

  /** @param listener called on a Hazelcast thread with the node id; hop to your own context */
  public void onNodeLeft(Consumer<String> listener) {
    nodeLeftListeners.add(listener);
  }

  public void removeListener(Consumer<String> listener) {
    nodeLeftListeners.remove(listener);
  }

  public void nodeLeft(String nodeId) {
    LOG.info("cluster member " + nodeId + " left; telling the peers of its connections");
    nodeLeftListeners.forEach(l -> l.accept(nodeId));
  }
}
