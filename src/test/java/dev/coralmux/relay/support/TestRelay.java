package dev.coralmux.relay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coralmux.relay.config.ClusterConfig;
import dev.coralmux.relay.config.ConfigLoader;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.server.RelayServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A relay node started in this JVM exactly as {@code serve} starts it (same config loader, same
 * {@link RelayServer}), on a random free port with its own data directory.
 */
public final class TestRelay implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
  /** Cluster nodes must share one invite secret. */
  public static final String INVITE_SECRET = "test-invite-secret-0123456789abcdef0123456789";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final RelayServer server;
  private final Path dataDir;
  public final ByteArrayOutputStream output = new ByteArrayOutputStream();

  private TestRelay(JsonObject conf, Path dataDir, ClusterConfig cluster) {
    this.dataDir = dataDir;
    JsonObject json = new JsonObject().put("host", "127.0.0.1").put("port", 0).put("event_loops", 2)
        .put("data_dir", dataDir.toString()).put("admin_key", ADMIN_KEY);
    json.mergeIn(conf, true);
    RelayConfig config = ConfigLoader.fromJson(json, Map.of());
    this.server = RelayServer.start(config, cluster, new PrintStream(output, true));
  }

  private TestRelay(JsonObject conf, Path dataDir) {
    this(conf, dataDir, ClusterConfig.disabled());
  }

  /**
   * Starts one clustered node (own Vert.x and Hazelcast member) in this JVM.
   *
   * @param hazelcastPort this member's port
   * @param members every member's port, for the TCP-IP member list
   */
  public static TestRelay startClustered(JsonObject conf, RedisServer redis, int hazelcastPort, int... members) {
    return startClustered(conf, new JsonObject(), redis, hazelcastPort, members);
  }

  /** @param clusterConf more cluster keys on top of the test's (deep-merged) */
  public static TestRelay startClustered(JsonObject conf, JsonObject clusterConf, RedisServer redis, int hazelcastPort,
                                         int... members) {
    return startClustered(conf, clusterConf, new JsonObject().put("endpoints", new io.vertx.core.json.JsonArray().add(redis.url())),
        hazelcastPort, members);
  }

  /** One clustered node that finds its Redis master through these Sentinels ({@code redis.type: "sentinel"}). */
  public static TestRelay startClustered(JsonObject conf, RedisSentinelSet sentinels, int hazelcastPort, int... members) {
    return startClustered(conf, new JsonObject(), new JsonObject().put("type", "sentinel")
        .put("endpoints", new io.vertx.core.json.JsonArray(sentinels.sentinelUrls()))
        .put("master_name", RedisSentinelSet.MASTER_NAME), hazelcastPort, members);
  }

  private static TestRelay startClustered(JsonObject conf, JsonObject clusterConf, JsonObject redis, int hazelcastPort,
                                          int... members) {
    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
    for (int m : members) list.add("127.0.0.1:" + m);
    JsonObject cluster = new JsonObject().put("enabled", true).put("name", "test-" + members[0])
        .put("hazelcast", new JsonObject().put("port", hazelcastPort).put("members", list)
            .put("heartbeat_interval_s", 1).put("max_no_heartbeat_s", 4))
        .put("redis", redis.copy().put("timeout_ms", 1000));
    cluster.mergeIn(clusterConf, true);
    JsonObject withSecret = new JsonObject().put("invite", new JsonObject().put("secret", INVITE_SECRET)).mergeIn(conf, true);
    try {
      return new TestRelay(withSecret, Files.createTempDirectory("coralmux-node"), ClusterConfig.fromJson(cluster, Map.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestRelay start() {
    return start(new JsonObject());
  }

  /** Starts with these configuration keys on top of the test defaults (deep-merged). */
  public static TestRelay start(JsonObject conf) {
    try {
      return new TestRelay(conf, Files.createTempDirectory("coralmux-test"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a node on an existing data directory (restart tests). */
  public static TestRelay startOn(Path dataDir, JsonObject conf) {
    return new TestRelay(conf, dataDir);
  }

  public int port() {
    return server.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  public RelayServer server() {
    return server;
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/ws";
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Creates a token through the HTTP API; {@code body} may be null. */
  public String createToken(JsonObject body) {
    HttpResponse<String> r = http("POST", "/api/v1/pair", body == null ? null : body.encode(), ADMIN_KEY);
    assertEquals(201, r.statusCode(), r::body);
    return new JsonObject(r.body()).getString("token");
  }

  /** Creates a token through a given client and base URL (e.g. HTTPS with a custom trust store). */
  public String createTokenOver(HttpClient client, String base) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pair"))
        .header("X-Admin-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r::body);
    return new JsonObject(r.body()).getString("token");
  }

  public String createToken() {
    return createToken(null);
  }

  public HttpResponse<String> http(String method, String path, String body, String adminKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl() + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (adminKey != null) b.header("X-Admin-Key", adminKey);
    if (body != null) b.header("Content-Type", "application/json");
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public JsonObject health() {
    return new JsonObject(http("GET", "/health", null, null).body());
  }

  public long undelivered(String reason) {
    return health().getJsonObject("undelivered").getLong(reason);
  }

  @Override
  public void close() {
    server.stop();
  }
}
