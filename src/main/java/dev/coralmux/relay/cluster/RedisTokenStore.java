package dev.coralmux.relay.cluster;

import dev.coralmux.relay.limits.LimitOverrides;
import dev.coralmux.relay.store.TokenRecord;
import dev.coralmux.relay.store.TokenStore;
import dev.coralmux.relay.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Token records shared by the whole cluster: one Redis hash per token (keyed by the token's
 * SHA-256, never the token), a set of all hashes for listing, and an id → hash index.
 */
public final class RedisTokenStore implements TokenStore {
  private final RedisScripts redis;

  public RedisTokenStore(RedisScripts redis) {
    this.redis = redis;
  }

  @Override
  public Future<Void> create(TokenRecord r) {
    Request hset = Request.cmd(Command.HSET).arg(RedisKeys.token(r.hash()))
        .arg("label").arg(r.label())
        .arg("created_at").arg(r.createdAt())
        .arg("expires_at").arg(r.expiresAt())
        .arg("limits").arg(r.overrides().toJson().encode());
    return redis.send(hset)
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(RedisKeys.tokenId(r.id())).arg(r.hash())))
        .compose(v -> redis.send(Request.cmd(Command.SADD).arg(RedisKeys.TOKEN_SET).arg(r.hash())))
        .mapEmpty();
  }

  @Override
  public Future<TokenRecord> find(String hash) {
    return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.token(hash))).map(res -> decode(hash, res));
  }

  @Override
  public Future<TokenRecord> findById(String id) {
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.tokenId(id)))
        .compose(hash -> hash == null ? Future.succeededFuture(null) : find(hash.toString()));
  }

  @Override
  public Future<List<TokenRecord>> list() {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.TOKEN_SET)).compose(members -> {
      List<Future<TokenRecord>> all = new ArrayList<>();
      for (Response m : members) all.add(find(m.toString()));
      return Future.all(all).map(f -> {
        List<TokenRecord> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          TokenRecord r = f.resultAt(i);
          if (r != null) out.add(r);
        }
        out.sort(Comparator.comparingLong(TokenRecord::createdAt));
        return out;
      });
    });
  }

  @Override
  public Future<Boolean> revoke(String hash) {
    return redis.send(Request.cmd(Command.DEL).arg(RedisKeys.token(hash))).compose(deleted -> {
      boolean existed = deleted.toLong() > 0;
      return redis.send(Request.cmd(Command.SREM).arg(RedisKeys.TOKEN_SET).arg(hash))
          .compose(v -> redis.send(Request.cmd(Command.DEL).arg(RedisKeys.tokenId(Tokens.idOf(hash)))))
          .map(existed);
    });
  }

  @Override
  public Future<Void> flush() {
    return Future.succeededFuture(); // every write already went to Redis
  }

  private static TokenRecord decode(String hash, Response res) {
    if (res == null || res.size() == 0 || !res.containsKey("created_at")) return null;
    String limits = res.containsKey("limits") ? res.get("limits").toString() : "{}";
    return new TokenRecord(hash,
        res.containsKey("label") ? res.get("label").toString() : "",
        res.get("created_at").toLong(),
        res.containsKey("expires_at") ? res.get("expires_at").toLong() : 0,
        LimitOverrides.fromJson(new JsonObject(limits)));
  }
}
