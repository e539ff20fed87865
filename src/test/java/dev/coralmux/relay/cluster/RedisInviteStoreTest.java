package dev.coralmux.relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.support.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The cluster's invite store: per-token maximum (newest replace oldest), single use, index kept small. */
class RedisInviteStoreTest {

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aTokenPastItsMaximumLosesItsOldestInvitesOnly() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer server = RedisServer.start()) {
      RedisScripts redis = new RedisScripts(Redis.createClient(vertx, server.url()), 2_000, new RelayMetrics());
      RedisInviteStore store = new RedisInviteStore(redis);
      for (int i = 0; i < 8; i++) await(store.put("tokA", "code" + i, "sealed" + i, 60_000, 5));
      await(store.put("tokB", "codeB", "sealedB", 60_000, 5));
      for (int i = 0; i < 3; i++) assertNull(await(store.take("code" + i)), "replaced: " + i);
      assertEquals("sealed3", await(store.take("code3")));
      assertNull(await(store.take("code3")), "single use");
      assertEquals(4L, await(redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.invites("tokA")))).toLong(),
          "a used invite leaves the token's index");
      assertEquals("sealedB", await(store.take("codeB")));
      for (int i = 4; i < 8; i++) assertEquals("sealed" + i, await(store.take("code" + i)));
    } finally {
      vertx.close();
    }
  }
}
