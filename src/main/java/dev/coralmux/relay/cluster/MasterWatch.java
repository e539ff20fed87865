package dev.coralmux.relay.cluster;

import dev.coralmux.relay.config.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Which Redis master Sentinel names, asked every {@value #POLL_MS} ms: a {@link #generation()}
 * that grows when the master changes, so connections kept open for good ({@link OrderedRedis})
 * leave the old master. Without it they would stay there: a demoted master keeps taking writes
 * until Sentinel reconfigures it (seconds later, and those writes are then dropped), and one that
 * hangs keeps its sockets open forever. The pooled calls need none of this: the Vert.x client
 * resolves the master for each new connection (from a topology it caches for
 * {@value #TOPOLOGY_TTL_MS} ms), and Sentinel disconnects the old master's clients when it demotes it.
 *
 * <p>Standalone and Redis Cluster: no Sentinel, the generation stays 0.
 */
public final class MasterWatch {
  private static final Logger LOG = Logger.getLogger(MasterWatch.class.getName());
  static final long POLL_MS = 250;
  /** How long the Vert.x client caches Sentinel's topology (set in {@link ClusterNode#redis}; its default is 1 s). */
  static final long TOPOLOGY_TTL_MS = 250;

  private final AtomicLong generation = new AtomicLong();
  private final Redis sentinels;
  private final String masterName;
  private final long timeoutMs;
  private volatile String master;
  private volatile boolean asking;
  private long timer = -1;

  private MasterWatch(Redis sentinels, String masterName, long timeoutMs) {
    this.sentinels = sentinels;
    this.masterName = masterName;
    this.timeoutMs = timeoutMs;
  }

  /** A watch for this configuration: polling Sentinel when {@code redis.type} is sentinel, else idle. */
  public static MasterWatch start(Vertx vertx, ClusterConfig c) {
    if (!c.redisType().equals("sentinel")) return new MasterWatch(null, "", 0);
    RedisOptions o = new RedisOptions().setType(RedisClientType.SENTINEL).setRole(RedisRole.SENTINEL)
        .setEndpoints(c.redisEndpoints()).setMasterName(c.redisMasterName()).setMaxPoolSize(2).setMaxPoolWaiting(16);
    if (!c.redisPassword().isEmpty()) o.setPassword(c.redisPassword());
    MasterWatch w = new MasterWatch(Redis.createClient(vertx, o), c.redisMasterName(), c.redisTimeoutMs());
    w.timer = vertx.setPeriodic(POLL_MS, t -> w.poll(vertx));
    return w;
  }

  /** Grows each time Sentinel names another master (and once more when the client's topology cache has caught up). */
  public long generation() {
    return generation.get();
  }

  private void poll(Vertx vertx) {
    if (asking) return;
    asking = true;
    sentinels.send(Request.cmd(Command.SENTINEL).arg("GET-MASTER-ADDR-BY-NAME").arg(masterName))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onComplete(ar -> asking = false)
        .onSuccess(r -> {
          if (r == null || r.size() != 2) return;
          String now = r.get(0) + ":" + r.get(1);
          String before = master;
          master = now;
          if (before == null || before.equals(now)) return;
          LOG.warning("Sentinel names a new Redis master (" + before + " -> " + now + "); moving kept connections");
          generation.incrementAndGet();
          // A connection made meanwhile may have been sent to the old master by a stale topology cache.
          vertx.setTimer(TOPOLOGY_TTL_MS + POLL_MS, x -> generation.incrementAndGet());
        });
  }

  /** Stops polling. */
  public void stop(Vertx vertx) {
    if (timer >= 0) vertx.cancelTimer(timer);
    if (sentinels != null) sentinels.close();
  }
}
