package dev.coralmux.relay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bench's baseline: the least a Vert.x pair-forwarder can do — no protocol checks, no limits,
 * no accounting. The first frame names a token (as a CoralMux auth does); later frames go to the
 * other socket with that token, unchanged. What the relay achieves relative to this is the cost of
 * its features on the same stack and machine.
 */
public final class BaselineForwarder {
  private static final String AUTH_OK = "{\"v\":1,\"type\":\"auth.ok\",\"id\":\"b\",\"ts\":0,\"payload\":{\"paired\":false}}";
  private static final String ONLINE = "{\"v\":1,\"type\":\"status\",\"id\":\"b\",\"ts\":0,\"payload\":{\"peer\":\"online\"}}";

  private final ConcurrentHashMap<String, ServerWebSocket[]> pairs = new ConcurrentHashMap<>();

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    BaselineForwarder f = new BaselineForwarder();
    for (int i = 0; i < loops; i++) {
      vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setMaxWebSocketFrameSize(16 << 20)
              .setMaxWebSocketMessageSize(16 << 20))
          .webSocketHandler(f::accept).listen(port, "127.0.0.1")
          .onSuccess(s -> System.out.println("baseline listening on " + s.actualPort()))
          .onFailure(e -> {
            System.err.println("baseline: " + e.getMessage());
            System.exit(2);
          });
    }
  }

  private void accept(ServerWebSocket ws) {
    String[] key = new String[1];
    ws.textMessageHandler(text -> {
      if (key[0] == null) {
        JsonObject p = new JsonObject(text).getJsonObject("payload");
        key[0] = p.getString("token");
        int side = "phone".equals(p.getString("role")) ? 0 : 1;
        ServerWebSocket[] pair = pairs.computeIfAbsent(key[0], k -> new ServerWebSocket[2]);
        synchronized (pair) {
          pair[side] = ws;
          ws.writeTextMessage(AUTH_OK);
          ServerWebSocket other = pair[1 - side];
          if (other != null) other.writeTextMessage(ONLINE);
          if (other != null) ws.writeTextMessage(ONLINE);
        }
        ws.closeHandler(v -> pairs.remove(key[0]));
        return;
      }
      ServerWebSocket[] pair = pairs.get(key[0]);
      if (pair == null) return;
      ServerWebSocket peer = pair[0] == ws ? pair[1] : pair[0];
      if (peer != null) peer.writeTextMessage(text);
    });
  }
}
