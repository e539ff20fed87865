package dev.coralmux.relay.cluster;

import dev.coralmux.relay.routing.Membership;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import dev.coralmux.relay.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Joins the Hazelcast cluster behind the Vert.x clustered event bus, and connects to Redis.
 *
 * <p>Hazelcast is configured in code from {@code conf/cluster.json} on top of Vert.x's own
 * defaults (which carry the maps the event bus needs): multicast and auto-detection off, TCP-IP
 * members or Kubernetes discovery, and failure detection tuned from Hazelcast's 60 s down to
 * {@code max_no_heartbeat_s}.
 */
public final class ClusterNode {
  /** Hazelcast logs every membership step at INFO; keep its warnings only (held so the level sticks). */
  private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

  static {
    HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /** The member attribute under which vertx-hazelcast keeps a member's Vert.x node id. */
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private ClusterNode() {}

  /** A clustered Vert.x instance and the cluster manager behind it. */
  public record Joined(Vertx vertx, HazelcastClusterManager clusterManager) {
    public String nodeId() {
      return clusterManager.getNodeId();
    }

    public boolean isMember(String nodeId) {
      return clusterManager.getNodes().contains(nodeId);
    }
  }

  /** @param membership told of every member that leaves (or is dropped by failure detection) */
  public static Future<Joined> join(ClusterConfig c, int eventLoops, Membership membership) {
    HazelcastClusterManager cm = new HazelcastClusterManager();
    Config hz = cm.loadConfig();
    hz.setClusterName(c.clusterName());
    hz.getJetConfig().setEnabled(false);
    hz.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(c.heartbeatIntervalSeconds()));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(c.maxNoHeartbeatSeconds()));
    // After a partition heals, the smaller side merges back: Hazelcast first looks after 300 s, then
    // every 120 s; until then the two sides cannot reach each other's connections.
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(c.mergeIntervalSeconds()));
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(c.mergeIntervalSeconds()));
    // Two members that cannot reach each other while both still reach the master (a partial
    // partition) stall every event-bus lookup that touches the other; off by default, this makes the
    // master drop one of them after three heartbeats of reports.
    hz.setProperty("hazelcast.partial.member.disconnection.resolution.heartbeat.count", "3");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // the relay leaves the cluster itself
    hz.setProperty("hazelcast.local.localAddress", c.bindHost());
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(c.hazelcastPort()).setPortAutoIncrement(false);
    if (!c.publicHost().isEmpty()) net.setPublicAddress(c.publicHost() + ":" + c.hazelcastPort());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (c.kubernetes()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true);
      if (!c.kubernetesServiceDns().isEmpty()) join.getKubernetesConfig().setProperty("service-dns", c.kubernetesServiceDns());
    } else {
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
    }
    hz.addListenerConfig(new ListenerConfig(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        // A new node's connections register themselves; a node back after a partition must be reconciled.
        String nodeId = e.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (nodeId != null) membership.nodeJoined(nodeId);
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        // Vert.x names nodes by its own id, kept as a member attribute (not the Hazelcast member UUID).
        String nodeId = e.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (nodeId != null) membership.nodeLeft(nodeId);
      }
    }));
    cm.setConfig(hz);

    EventBusOptions bus = new EventBusOptions().setHost(c.bindHost());
    if (!c.publicHost().isEmpty()) bus.setClusterPublicHost(c.publicHost());
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops).setEventBusOptions(bus);
    return Vertx.builder().with(options).withClusterManager(cm).buildClustered().map(vertx -> new Joined(vertx, cm));
  }

  public static Redis redis(Vertx vertx, ClusterConfig c) {
    RedisOptions o = new RedisOptions()
        .setType(switch (c.redisType()) {
          case "sentinel" -> RedisClientType.SENTINEL;
          case "cluster" -> RedisClientType.CLUSTER;
          default -> RedisClientType.STANDALONE;
        })
        .setEndpoints(c.redisEndpoints())
        .setMaxPoolSize(c.redisPoolSize())
        .setMaxPoolWaiting(c.redisPoolWaiting())
        .setMaxWaitingHandlers(c.redisMaxWaitingHandlers());
    // Sentinel: every call goes to the master (the connections kept open for good follow it: MasterWatch).
    if (c.redisType().equals("sentinel")) o.setRole(RedisRole.MASTER).setTopologyCacheTTL(MasterWatch.TOPOLOGY_TTL_MS);
    if (!c.redisMasterName().isEmpty()) o.setMasterName(c.redisMasterName());
    if (!c.redisPassword().isEmpty()) o.setPassword(c.redisPassword());
    return Redis.createClient(vertx, o);
  }
}
