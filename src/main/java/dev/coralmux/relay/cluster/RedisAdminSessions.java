package dev.coralmux.relay.cluster;

import dev.coralmux.relay.admin.AdminSessions;
import dev.coralmux.relay.admin.SessionIds;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Dashboard sessions shared by the cluster: one Redis sorted set of session hashes scored by their
 * expiry (Redis's clock), bounded to {@link #MAX_SESSIONS}. Opened on any node, valid on every
 * node, ended everywhere by one logout. One call per open, check and close.
 */
public final class RedisAdminSessions implements AdminSessions {
  private static final RedisScripts.Script OPEN = RedisScripts.Script.load("admin_session_open");
  private static final RedisScripts.Script CHECK = RedisScripts.Script.load("admin_session_check");
  private final RedisScripts redis;

  public RedisAdminSessions(RedisScripts redis) {
    this.redis = redis;
  }

  @Override
  public Future<String> open() {
    String id = SessionIds.generate();
    return redis.run(OPEN, new String[] {RedisKeys.ADMIN_SESSIONS}, SessionIds.hash(id), TTL_MS, MAX_SESSIONS).map(id);
  }

  @Override
  public Future<Boolean> valid(String id) {
    if (id == null) return Future.succeededFuture(false);
    return redis.run(CHECK, new String[] {RedisKeys.ADMIN_SESSIONS}, SessionIds.hash(id)).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> close(String id) {
    if (id == null) return Future.succeededFuture();
    return redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.ADMIN_SESSIONS).arg(SessionIds.hash(id))).mapEmpty();
  }
}
