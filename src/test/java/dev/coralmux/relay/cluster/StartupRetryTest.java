package dev.coralmux.relay.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.RedisServer;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A node that starts before Redis answers (issue 13, robust start): it waits, logging each retry,
 * and comes up once Redis does — or gives up with a clear error at the configured deadline.
 */
class StartupRetryTest {

  @Test
  void aNodeWaitsForRedisThenStarts() throws Exception {
    CopyOnWriteArrayList<String> retries = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (String.valueOf(r.getMessage()).contains("retrying in")) retries.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(capture);
    try (RedisServer redis = RedisServer.start()) {
      redis.pause(); // up, but answering nothing: as on a busy machine or mid-start
      CompletableFuture<Void> thawed = CompletableFuture.runAsync(() -> {
        await().atMost(Duration.ofSeconds(60)).until(() -> retries.size() >= 2);
        try {
          redis.resume();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      int hz = RelayProcess.freePort();
      try (TestRelay node = TestRelay.startClustered(new JsonObject(), redis, hz, hz)) {
        assertEquals("cluster", node.health().getString("mode"));
        assertTrue(retries.size() >= 2, "each wait was logged: " + retries);
        assertTrue(retries.get(0).contains("reach Redis"), retries.get(0));
      } finally {
        thawed.join();
      }
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
  }

  @Test
  void aNodeGivesUpAtTheDeadlineWithAClearError() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      redis.pause();
      int hz = RelayProcess.freePort();
      IllegalStateException e = assertThrows(IllegalStateException.class, () ->
          TestRelay.startClustered(new JsonObject(), new JsonObject().put("start_deadline_s", 2), redis, hz, hz));
      assertTrue(e.getMessage().contains("reach Redis") && e.getMessage().contains("gave up"), e.getMessage());
      redis.resume();
    }
  }
}
