package dev.coralmux.relay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** Connection-level scenarios: many idle authenticated sockets (memory), and connect+auth+close churn. */
public final class ConnectionBench implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final String wsUrl;

  public ConnectionBench(String wsUrl, int sourceAddresses) {
    this.wsUrl = wsUrl;
    int sources = Math.max(1, sourceAddresses);
    for (int i = 0; i < sources; i++) {
      clients.add(vertx.createWebSocketClient(ClientSockets.options(i, sources)));
    }
  }

  /** Connects and authenticates; completes with the socket once {@code auth.ok} arrived. */
  private Future<WebSocket> authed(int i, String token, String role) {
    return clients.get(i % clients.size()).connect(new WebSocketConnectOptions().setAbsoluteURI(wsUrl)).compose(ws -> {
      Promise<WebSocket> ok = Promise.promise();
      ws.textMessageHandler(t -> {
        if (t.contains("\"auth.ok\"")) ok.tryComplete(ws);
        else if (t.contains("\"auth.fail\"")) ok.tryFail(t);
      });
      ws.writeTextMessage(new JsonObject().put("type", "auth")
          .put("payload", new JsonObject().put("token", token).put("role", role)).encode());
      return ok.future();
    });
  }

  /** Opens phone+agent for every token and keeps them open (idle). Blocking. */
  public List<WebSocket> openIdle(List<String> tokens) throws Exception {
    List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
    Semaphore concurrent = new Semaphore(128);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    int i = 0;
    for (String token : tokens) {
      for (String role : List.of("phone", "agent")) {
        concurrent.acquire();
        CompletableFuture<Void> done = new CompletableFuture<>();
        int idx = i++;
        vertx.runOnContext(v -> authed(idx, token, role).onComplete(ar -> {
          concurrent.release();
          if (ar.succeeded()) {
            open.add(ar.result());
            done.complete(null);
          } else {
            done.completeExceptionally(ar.cause());
          }
        }));
        all.add(done);
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return open;
  }

  /** Result of a churn run. */
  public record Churn(double perSecond, long completed, long failed, double p50Micros, double p99Micros) {}

  /** {@code concurrency} loops of connect + auth + close, each on its own token, for {@code seconds}. Blocking. */
  public Churn churn(List<String> tokens, double seconds) throws Exception {
    LongAdder completed = new LongAdder();
    LongAdder failed = new LongAdder();
    Recorder latency = new Recorder(3);
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      int idx = i;
      vertx.runOnContext(v -> churnLoop(idx, tokens.get(idx), end, completed, failed, latency, done));
      loops.add(done);
    }
    long start = System.nanoTime();
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    double elapsed = (System.nanoTime() - start) / 1e9;
    var h = latency.getIntervalHistogram();
    return new Churn(completed.sum() / elapsed, completed.sum(), failed.sum(), h.getValueAtPercentile(50),
        h.getValueAtPercentile(99));
  }

  private void churnLoop(int idx, String token, long end, LongAdder completed, LongAdder failed, Recorder latency,
                         CompletableFuture<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete(null);
      return;
    }
    long t0 = System.nanoTime();
    authed(idx, token, "phone").compose(this::closeAndWait).onComplete(ar -> {
      if (ar.succeeded()) {
        completed.increment();
        latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      } else {
        failed.increment();
      }
      churnLoop(idx, token, end, completed, failed, latency, done);
    });
  }

  /** Sends the close frame and waits until the relay has closed the connection (bounded). */
  private Future<Void> closeAndWait(WebSocket ws) {
    Promise<Void> gone = Promise.promise();
    ws.closeHandler(v -> gone.tryComplete());
    ws.close();
    long timer = vertx.setTimer(5_000, t -> gone.tryFail("the relay did not close the connection within 5 s"));
    return gone.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
