package dev.coralmux.relay.http;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.invite.InviteKeys;
import dev.coralmux.relay.invite.InviteStore;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.metrics.ClusterFigures;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.node.NodeState;
import dev.coralmux.relay.routing.PresenceDirectory;
import dev.coralmux.relay.store.TokenStore;

/**
 * What the HTTP API needs from its node, handed over by the one wiring place ({@code RelayServer});
 * each API class takes only its own part of it.
 *
 * @param clustered whether the node runs in cluster mode (shown by {@code /health})
 */
public record HttpDependencies(
    RelayConfig config,
    String adminKey,
    String nodeId,
    boolean clustered,
    TokenStore store,
    Limiter limiter,
    PresenceDirectory presence,
    InviteStore invites,
    InviteKeys inviteKeys,
    RelayMetrics metrics,
    NodeState state,
    ClusterFigures figures,
    AdminSessions sessions,
    long startedAtMillis) {}
