package dev.coralmux.relay.http;

import dev.coralmux.relay.admin.AdminSessions;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.invite.InviteKeys;
import dev.coralmux.relay.invite.InviteStore;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.limits.WindowLimiter;
import dev.coralmux.relay.logging.LogFeed;
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
 * @param sessions dashboard sessions (in Redis when clustered: valid on every node)
 * @param perIpLimits makes the per-client-IP limits (node-wide standalone, cluster-wide clustered)
 * @param logs every node's log lines, for the dashboard's log stream
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
    WindowLimiter.Factory perIpLimits,
    LogFeed logs,
    long startedAtMillis) {

  /**
   * Tokens with both sides connected, over the whole cluster: the directory's count where it
   * keeps one (standalone), else the sum of every node's published figures.
   */
  public io.vertx.core.Future<Long> pairedSessions() {
    return presence.pairedSessions().map(n -> n != null ? n : figures.total().getLong("paired"))
        .otherwise(e -> figures.total().getLong("paired"));
  }
}
