package dev.coralmux.relay.cluster;

import dev.coralmux.relay.invite.InviteStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/** Invites shared by the cluster: a key per code hash that expires with the invite; GETDEL makes it single use. */
public final class RedisInviteStore implements InviteStore {
  private final RedisScripts redis;

  public RedisInviteStore(RedisScripts redis) {
    this.redis = redis;
  }

  @Override
  public Future<Void> put(String codeHash, String sealedToken, long ttlMs) {
    return redis.send(Request.cmd(Command.SET).arg("cm:invite:" + codeHash).arg(sealedToken).arg("PX").arg(ttlMs)).mapEmpty();
  }

  @Override
  public Future<String> take(String codeHash) {
    return redis.send(Request.cmd(Command.GETDEL).arg("cm:invite:" + codeHash)).map(r -> r == null ? null : r.toString());
  }
}
