package dev.coralmux.relay.routing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Cluster membership news for the edge verticles: which node left, and which came back after it
 * had left (a partition healed and the two sides merged). Empty in standalone mode.
 */
public final class Membership {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Membership.class.getName());
  /** Enough to recognise every node of a partition when it heals; the oldest is forgotten first. */
  private static final int REMEMBERED_DEPARTURES = 1_024;

  private final List<Consumer<String>> nodeLeftListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> nodeBackListeners = new CopyOnWriteArrayList<>();
  private final Set<String> departed = new LinkedHashSet<>();

  /** @param listener called on a Hazelcast thread with the node id; hop to your own context */
  public void onNodeLeft(Consumer<String> listener) {
    nodeLeftListeners.add(listener);
  }

  /** @param listener called on a Hazelcast thread with the id of a node that left and is a member again */
  public void onNodeBack(Consumer<String> listener) {
    nodeBackListeners.add(listener);
  }

  public void removeListener(Consumer<String> listener) {
    nodeLeftListeners.remove(listener);
    nodeBackListeners.remove(listener);
  }

  public void nodeLeft(String nodeId) {
    LOG.info("cluster member " + nodeId + " left; telling the peers of its connections");
    synchronized (departed) {
      departed.add(nodeId);
      if (departed.size() > REMEMBERED_DEPARTURES) departed.remove(departed.iterator().next());
    }
    nodeLeftListeners.forEach(l -> l.accept(nodeId));
  }

  /** A member joined: a new node (nothing to do), or one that had left — cut off, not dead. */
  public void nodeJoined(String nodeId) {
    boolean back;
    synchronized (departed) {
      back = departed.remove(nodeId);
    }
    if (!back) return;
    LOG.info("cluster member " + nodeId + " is back (a partition healed); reconciling connections with the directory");
    nodeBackListeners.forEach(l -> l.accept(nodeId));
  }
}
