package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.CrossNodeDelivery;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.history.History;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.routing.Membership;
import dev.coralmux.relay.routing.PresenceDirectory;
import dev.coralmux.relay.store.TokenStore;
import java.util.function.BooleanSupplier;

/**
 * What the edge needs from its node, handed over by the one wiring place ({@code RelayServer}).
 * Standalone and cluster mode differ only in the implementations given here.
 *
 * @param nodeId unique per process (the cluster node id when clustered); part of every edge
 *     verticle's event-bus address
 * @param draining true once the node shuts down: upgrades are refused so clients go elsewhere
 * @param unauthenticated sockets per client IP not yet authenticated, node-wide
 * @param crossNode how messages to other nodes are confirmed and bounded (cluster mode)
 */
public record EdgeDependencies(
    RelayConfig config,
    String nodeId,
    TokenStore tokens,
    Limiter limiter,
    PresenceDirectory presence,
    History history,
    RelayMetrics metrics,
    Membership membership,
    BooleanSupplier draining,
    UnauthenticatedSockets unauthenticated,
    CrossNodeDelivery crossNode) {

  /** With the node-wide count of unauthenticated sockets per client IP made from the config. */
  public EdgeDependencies(RelayConfig config, String nodeId, TokenStore tokens, Limiter limiter,
                          PresenceDirectory presence, History history, RelayMetrics metrics, Membership membership,
                          BooleanSupplier draining, CrossNodeDelivery crossNode) {
    this(config, nodeId, tokens, limiter, presence, history, metrics, membership, draining,
        new UnauthenticatedSockets(config.websocket().unauthenticatedPerIp()), crossNode);
  }
}
