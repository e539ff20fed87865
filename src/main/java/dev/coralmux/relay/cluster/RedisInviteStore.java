package dev.coralmux.relay.cluster;

import dev.coralmux.relay.invite.InviteStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Invites shared by the cluster: a key per code hash that expires with the invite (GETDEL makes it
 * single use), holding the token hash and the sealed token; and per token an index of its live codes
 * (one script call), so a token past its maximum replaces its oldest invite.
 */
public final class RedisInviteStore implements InviteStore {
  private static final RedisScripts.Script PUT = RedisScripts.Script.load("invite_put");
  private final RedisScripts redis;

  public RedisInviteStore(RedisScripts redis) {
    this.redis = redis;
  }

  @Override
  public Future<Void> put(String tokenHash, String codeHash, String sealedToken, long ttlMs, int maxLivePerToken) {
    long now = System.currentTimeMillis();
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.invite(codeHash)).arg(tokenHash + " " + sealedToken)
            .arg("PX").arg(ttlMs))
        .compose(ok -> redis.run(PUT, new String[] {RedisKeys.invites(tokenHash)}, codeHash, now, now + ttlMs,
            maxLivePerToken, ttlMs))
        .compose(evicted -> {
          List<Future<Response>> deletes = new ArrayList<>();
          if (evicted != null) for (Response h : evicted) deletes.add(redis.send(Request.cmd(Command.DEL).arg(RedisKeys.invite(h.toString()))));
          return Future.all(deletes).mapEmpty();
        });
  }

  @Override
  public Future<String> take(String codeHash) {
    return redis.send(Request.cmd(Command.GETDEL).arg(RedisKeys.invite(codeHash))).compose(r -> {
      if (r == null) return Future.succeededFuture(null);
      String value = r.toString();
      int space = value.indexOf(' ');
      if (space < 0) return Future.succeededFuture(value);
      String sealed = value.substring(space + 1);
      // Out of the token's index too, so a used invite does not count as live.
      return redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.invites(value.substring(0, space))).arg(codeHash))
          .map(sealed).otherwise(sealed);
    });
  }
}
