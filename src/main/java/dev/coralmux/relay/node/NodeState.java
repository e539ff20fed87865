package dev.coralmux.relay.node;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether this node should get new clients: not while draining, and (clustered) not while it is
 * out of the cluster or cannot reach Redis. Backs {@code /health/ready} and the upgrade gate.
 */
public final class NodeState {
  private volatile boolean draining;
  private final Supplier<Future<List<String>>> dependencyProblems;

  /** @param dependencyProblems what is wrong with the node's dependencies right now (empty: nothing) */
  public NodeState(Supplier<Future<List<String>>> dependencyProblems) {
    this.dependencyProblems = dependencyProblems;
  }

  public static NodeState standalone() {
    return new NodeState(() -> Future.succeededFuture(List.of()));
  }

  public boolean draining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  /** Everything that makes the node unready, in words an operator can act on; empty when ready. */
  public Future<List<String>> readinessProblems() {
    return dependencyProblems.get().otherwise(e -> List.of("readiness check failed: " + e.getMessage())).map(deps -> {
      List<String> all = new ArrayList<>();
      if (draining) all.add("draining: the node is shutting down");
      all.addAll(deps);
      return all;
    });
  }
}
