package dev.coralmux.relay.cluster;

import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.PresenceDirectory;
import dev.coralmux.relay.routing.Registration;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.function.Predicate;

/**
 * The cluster's presence directory in Redis: one hash per token holding each role's live
 * connection as {@code epoch|node|address|connId}, and the epoch counter. Registration and
 * removal are Lua scripts, atomic per token.
 *
 * <p>Liveness is Hazelcast's membership, not a per-entry TTL: an entry whose node has left the
 * cluster counts as absent, so a node killed with -9 leaves no ghost once the cluster has noticed
 * — within {@code max_no_heartbeat_s} — and a node that was only cut off counts again once the
 * partition heals.
 */
public final class RedisPresenceDirectory implements PresenceDirectory {
  private static final RedisScripts.Script REGISTER = RedisScripts.Script.load("register");
  private static final RedisScripts.Script UNREGISTER = RedisScripts.Script.load("unregister");

  private final RedisScripts redis;
  private final String nodeId;
  private final Predicate<String> nodeAlive;
  private final long ttlMs;

  /** @param ttlMs how long a token's directory entry (and its epoch counter) outlives its last connection */
  public RedisPresenceDirectory(RedisScripts redis, String nodeId, Predicate<String> nodeAlive, long ttlMs) {
    this.redis = redis;
    this.nodeId = nodeId;
    this.nodeAlive = nodeAlive;
    this.ttlMs = ttlMs;
  }

  /** A parsed directory entry. */
  private record Entry(String raw, String node, ConnRef ref) {
    static Entry parse(String raw) {
      if (raw == null || raw.isEmpty()) return null;
      String[] p = raw.split("\\|", 4);
      return new Entry(raw, p[1], new ConnRef(p[2], Long.parseLong(p[3]), Long.parseLong(p[0])));
    }
  }

  @Override
  public Future<Registration> register(String hash, Role role, String address, long connId) {
    String value = nodeId + "|" + address + "|" + connId;
    return redis.run(REGISTER, new String[] {RedisKeys.presence(hash)}, role.wire(), role.peer().wire(), value,
        Long.toString(ttlMs))
        .map(r -> {
          Entry self = Entry.parse(r.get(0).toString());
          Entry replaced = alive(hash, role, Entry.parse(r.get(1).toString()));
          Entry peer = alive(hash, role.peer(), Entry.parse(r.get(2).toString()));
          return new Registration(self.ref(), replaced == null ? null : replaced.ref(), peer == null ? null : peer.ref());
        });
  }

  @Override
  public Future<ConnRef> unregister(String hash, Role role, ConnRef self) {
    String value = self.epoch() + "|" + nodeId + "|" + self.address() + "|" + self.connId();
    return redis.run(UNREGISTER, new String[] {RedisKeys.presence(hash)}, role.wire(), role.peer().wire(), value)
        .map(r -> {
          if (r == null) return null; // replaced meanwhile
          Entry peer = alive(hash, role.peer(), Entry.parse(r.toString()));
          return peer == null ? null : peer.ref();
        });
  }

  @Override
  public Future<ConnRef> locate(String hash, Role role) {
    return redis.send(Request.cmd(Command.HGET).arg(RedisKeys.presence(hash)).arg(role.wire()))
        .map(r -> {
          Entry e = alive(hash, role, Entry.parse(r == null ? null : r.toString()));
          return e == null ? null : e.ref();
        });
  }

  @Override
  public Future<Long> pairedSessions() {
    return Future.succeededFuture(null); // not tracked cluster-wide; see docs/cluster.md
  }

  /**
   * The entry if its node is a cluster member as this node sees it, else null. Never deleted here:
   * a node cut off from the others (but not from Redis) sees every other node leave, and would
   * otherwise wipe their live connections from the directory. A dead node's entries are replaced
   * by the next registration of their token and role, or expire with {@code presence_ttl_s}.
   */
  private Entry alive(String hash, Role role, Entry e) {
    return e == null || nodeAlive.test(e.node()) ? e : null;
  }
}
