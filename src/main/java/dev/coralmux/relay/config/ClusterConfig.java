package dev.coralmux.relay.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Cluster mode settings from {@code conf/cluster.json} (or {@code RELAY_CLUSTER_CONFIG}), with
 * environment overrides. Cluster mode is on when {@code enabled} is true or {@code RELAY_CLUSTER=true}.
 *
 * @param members Hazelcast TCP-IP members as {@code host} or {@code host:port}
 * @param maxNoHeartbeatSeconds how long a silent member stays in the cluster (Hazelcast's default is 60)
 * @param redisPoolSize connections to Redis per node; redisPoolWaiting and redisMaxWaitingHandlers
 *     bound the requests that may wait for one
 * @param redisMaxInFlight limit checks one event loop may have unanswered on its Redis connection;
 *     past it a message is refused with RATE_LIMITED rather than queued
 * @param presenceTtlMs how long a token's presence entry (and epoch counter) outlives its last connection
 * @param startDeadlineMs how long a starting node keeps retrying Redis before it gives up
 * @param crossNode how messages sent to another node are confirmed and bounded
 */
public record ClusterConfig(
    boolean enabled,
    String clusterName,
    String bindHost,
    String publicHost,
    int hazelcastPort,
    List<String> members,
    boolean kubernetes,
    String kubernetesServiceDns,
    int heartbeatIntervalSeconds,
    int maxNoHeartbeatSeconds,
    int mergeIntervalSeconds,
    String redisType,
    List<String> redisEndpoints,
    String redisMasterName,
    String redisPassword,
    long redisTimeoutMs,
    int redisPoolSize,
    int redisPoolWaiting,
    int redisMaxWaitingHandlers,
    int redisMaxInFlight,
    long presenceTtlMs,
    long startDeadlineMs,
    CrossNodeDelivery crossNode) {

  public static final Path DEFAULT_FILE = Path.of("conf", "cluster.json");

  public static ClusterConfig disabled() {
    return fromJson(new JsonObject(), Map.of());
  }

  public static ClusterConfig load(Path file, Map<String, String> env) {
    return fromJson(ConfigFile.read(file, env, "RELAY_CLUSTER_CONFIG", DEFAULT_FILE), env);
  }

  public static ClusterConfig fromJson(JsonObject json, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    ConfigSection root = new ConfigSection(json, "cluster", problems);
    boolean enabled = root.bool("enabled", false);
    long startDeadlineS = root.number("start_deadline_s", 60, 1, 3_600);
    String name = root.string("name", "coralmux");
    String bindHost = root.string("host", "127.0.0.1");
    String publicHost = root.string("public_host", "");
    ConfigSection hz = root.section("hazelcast");
    int port = hz.integer("port", 5701, 1, 65535);
    List<String> members = hz.strings("members");
    int heartbeat = hz.integer("heartbeat_interval_s", 1, 1, 60);
    int maxNoHeartbeat = hz.integer("max_no_heartbeat_s", 6, 2, 600);
    int mergeInterval = hz.integer("merge_interval_s", 5, 1, 600);
    ConfigSection k8s = hz.section("kubernetes");
    boolean kubernetes = k8s.bool("enabled", false);
    String serviceDns = k8s.string("service_dns", "");
    String serviceName = k8s.string("service_name", "");
    k8s.rejectUnknownKeys();
    hz.rejectUnknownKeys();
    ConfigSection redis = root.section("redis");
    String type = redis.string("type", "standalone");
    List<String> endpoints = redis.strings("endpoints");
    String master = redis.string("master_name", "");
    String password = redis.string("password", "");
    long timeout = redis.number("timeout_ms", 2_000, 50, 60_000);
    int poolSize = redis.integer("pool_size", 32, 1, 1_024);
    int poolWaiting = redis.integer("pool_waiting", 100_000, 1, 10_000_000);
    int waitingHandlers = redis.integer("max_waiting_handlers", 100_000, 1, 10_000_000);
    int maxInFlight = redis.integer("max_in_flight", 2_048, 1, 100_000);
    long presenceTtlS = redis.number("presence_ttl_s", 2_592_000, 60, 31_536_000);
    redis.rejectUnknownKeys();
    ConfigSection bus = root.section("event_bus");
    CrossNodeDelivery crossNode = new CrossNodeDelivery(
        bus.number("confirm_timeout_ms", CrossNodeDelivery.DEFAULTS.confirmTimeoutMs(), 500, 600_000),
        bus.integer("max_unconfirmed_per_connection", CrossNodeDelivery.DEFAULTS.maxPerConnection(), 1, 100_000),
        bus.number("max_unconfirmed_mib", CrossNodeDelivery.DEFAULTS.maxBytes() >> 20, 1, 65_536) << 20);
    bus.rejectUnknownKeys();
    root.rejectUnknownKeys();

    if (env.containsKey("RELAY_CLUSTER")) enabled = Boolean.parseBoolean(env.get("RELAY_CLUSTER"));
    bindHost = env.getOrDefault("RELAY_CLUSTER_HOST", bindHost);
    publicHost = env.getOrDefault("RELAY_CLUSTER_PUBLIC_HOST", publicHost);
    if (env.containsKey("RELAY_HAZELCAST_PORT")) {
      try {
        port = Integer.parseInt(env.get("RELAY_HAZELCAST_PORT"));
      } catch (NumberFormatException e) {
        problems.add("RELAY_HAZELCAST_PORT: expected a port number");
      }
    }
    if (env.containsKey("RELAY_HAZELCAST_MEMBERS")) {
      members = Arrays.stream(env.get("RELAY_HAZELCAST_MEMBERS").split(",")).map(String::trim)
          .filter(s -> !s.isEmpty()).toList();
    }
    if (env.containsKey("RELAY_REDIS_URL")) endpoints = List.of(env.get("RELAY_REDIS_URL"));
    password = env.getOrDefault("RELAY_REDIS_PASSWORD", password);
    if (endpoints.isEmpty()) endpoints = List.of("redis://127.0.0.1:6379");
    if (!List.of("standalone", "sentinel", "cluster").contains(type)) {
      problems.add("cluster.redis.type: must be standalone, sentinel or cluster, got \"" + type + "\"");
    }
    if (type.equals("sentinel") && master.isEmpty()) {
      problems.add("cluster.redis.master_name: required when cluster.redis.type is sentinel");
    }
    // The headless Service's DNS name from its name and the pod's own namespace (Downward API
    // POD_NAMESPACE), so deploying into another namespace cannot split the replicas silently.
    if (kubernetes && serviceDns.isEmpty() && !serviceName.isEmpty()) {
      String namespace = env.getOrDefault("POD_NAMESPACE", "");
      if (namespace.isEmpty()) {
        problems.add("cluster.hazelcast.kubernetes.service_name: needs POD_NAMESPACE (set it from metadata.namespace), "
            + "or give service_dns");
      } else {
        serviceDns = serviceName + "." + namespace + ".svc.cluster.local";
      }
    }
    if (kubernetes && !members.isEmpty()) {
      problems.add("cluster.hazelcast: members and kubernetes discovery are exclusive; choose one");
    }
    if (maxNoHeartbeat <= heartbeat) {
      problems.add("cluster.hazelcast.max_no_heartbeat_s: must be larger than heartbeat_interval_s");
    }
    if (maxInFlight >= waitingHandlers) {
      problems.add("cluster.redis.max_in_flight: must be below max_waiting_handlers (" + waitingHandlers + ")");
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return new ClusterConfig(enabled, name, bindHost, publicHost, port, members, kubernetes, serviceDns, heartbeat,
        maxNoHeartbeat, mergeInterval, type, endpoints, master, password, timeout, poolSize, poolWaiting, waitingHandlers,
        maxInFlight, presenceTtlS * 1000, startDeadlineS * 1000, crossNode);
  }
}
