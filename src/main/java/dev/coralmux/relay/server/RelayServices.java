package dev.coralmux.relay.server;

import dev.coralmux.relay.cluster.Membership;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.http.AdminSessions;
import dev.coralmux.relay.invite.InviteStore;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.routing.PresenceDirectory;
import dev.coralmux.relay.store.TokenStore;

/**
 * The node-wide parts every edge verticle shares: configuration, token store, limiter, presence
 * directory and metrics. Standalone and cluster mode differ only in which implementations are here.
 *
 * @param nodeId unique per process (the cluster node id when clustered); part of every edge
 *     verticle's event-bus address
 * @param clustered whether this node is part of a cluster (Redis + Hazelcast)
 */
public record RelayServices(
    RelayConfig config,
    String adminKey,
    String nodeId,
    boolean clustered,
    TokenStore store,
    Limiter limiter,
    PresenceDirectory presence,
    InviteStore invites,
    RelayMetrics metrics,
    Membership membership,
    NodeState state,
    ClusterFigures figures,
    AdminSessions sessions,
    long startedAtMillis) {}
