package dev.coralmux.relay.client;

import dev.coralmux.relay.protocol.MessageTypes;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;

/**
 * App-level pings on one connection. A pong that does not come in time closes the connection
 * (4408), and the client reconnects: a half-open TCP connection is found within one timeout.
 */
final class Heartbeat {
  private final Vertx vertx;
  private final Duration every;
  private final Duration pongTimeout;
  private long pingTimer = -1;
  private long pongTimer = -1;

  Heartbeat(Vertx vertx, Duration every, Duration pongTimeout) {
    this.vertx = vertx;
    this.every = every;
    this.pongTimeout = pongTimeout;
  }

  void start(WebSocket ws) {
    stop();
    pingTimer = vertx.setPeriodic(every.toMillis(), t -> {
      ws.writeTextMessage(new JsonObject().put("v", 1).put("type", MessageTypes.PING)
          .put("id", UUID.randomUUID().toString()).put("ts", System.currentTimeMillis())
          .put("payload", new JsonObject()).encode());
      if (pongTimer < 0) {
        pongTimer = vertx.setTimer(pongTimeout.toMillis(), p -> {
          pongTimer = -1;
          ws.close((short) 4408, "no pong"); // the client reconnects when it sees the close
        });
      }
    });
  }

  void pong() {
    if (pongTimer >= 0) vertx.cancelTimer(pongTimer);
    pongTimer = -1;
  }

  void stop() {
    if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
    pingTimer = -1;
    pong();
  }
}
