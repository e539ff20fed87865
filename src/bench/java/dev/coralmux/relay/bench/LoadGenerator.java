package dev.coralmux.relay.bench;

import io.vertx.core.Context;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A CoralMux load generator: P pairs (phone and agent sockets of one pair share an event loop),
 * phones send {@code chat.send} of a fixed size to their agents, agents check every message for
 * loss, duplication and order and record its latency.
 *
 * <p>Closed loop: each pair keeps {@code inflight} messages outstanding. Open loop: each pair sends
 * at a fixed rate on a schedule, and latency is measured from each message's <em>intended</em>
 * send time, so a stalled relay cannot hide its queueing (coordinated omission).
 */
public final class LoadGenerator implements AutoCloseable {
  private final Vertx vertx;
  private final BenchSpec spec;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final Recorder latency = new Recorder(3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder sent = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LongAdder reordered = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final String padding;
  private volatile boolean measuring;
  private volatile boolean sending;

  public LoadGenerator(BenchSpec spec) {
    this.spec = spec;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    int sources = Math.max(1, spec.sourceAddresses());
    for (int i = 0; i < sources; i++) {
      clients.add(vertx.createWebSocketClient(ClientSockets.options(i, sources)));
    }
    this.padding = "x".repeat(Math.max(0, spec.size()));
  }

  /** One pair's state; touched only on its context. */
  private final class Pair {
    final String token;
    final Context context;
    WebSocket phone;
    WebSocket agent;
    long nextSeq = 1;
    long expected = 1;
    long scheduled;
    long phaseNanos;
    final java.util.BitSet missing = new java.util.BitSet();
    final Promise<Void> online = Promise.promise();

    Pair(String token, Context context) {
      this.token = token;
      this.context = context;
    }

    void send(long intendedNanos) {
      long seq = nextSeq++;
      if (spec.dropEvery() > 0 && seq % spec.dropEvery() == 0) seq = nextSeq++; // injected loss: a gap
      String head = "{\"v\":1,\"type\":\"chat.send\",\"id\":\"" + seq + "\",\"ts\":0,\"payload\":{\"s\":" + seq
          + ",\"t\":" + intendedNanos + ",\"p\":\"";
      int pad = Math.max(0, spec.size() - head.length() - 3);
      phone.writeTextMessage(head + padding.substring(0, Math.min(pad, padding.length())) + "\"}}");
      sent.increment();
    }

    void onAgentText(String text) {
      if (!text.startsWith("{\"v\":1,\"type\":\"chat.send\"")) {
        onControl(text);
        return;
      }
      long now = System.nanoTime();
      int s = text.indexOf("{\"s\":") + 5;
      int comma = text.indexOf(',', s);
      long seq = Long.parseLong(text, s, comma, 10);
      int t = text.indexOf("\"t\":", comma) + 4;
      long sentAt = Long.parseLong(text, t, text.indexOf(',', t), 10);
      delivered.increment();
      if (seq == expected) {
        expected++;
      } else if (seq > expected) {
        gaps.add(seq - expected); // missing for now; a late arrival turns one into a reordering
        missing.set((int) expected, (int) seq);
        expected = seq + 1;
      } else if (missing.get((int) seq)) {
        missing.clear((int) seq);
        gaps.decrement();
        reordered.increment();
      } else {
        duplicated.increment();
      }
      if (measuring) latency.recordValue(Math.max(1, (now - sentAt) / 1_000));
      if (sending && spec.ratePerSecond() <= 0) send(System.nanoTime());
    }

    void onPhoneText(String text) {
      if (text.contains("\"type\":\"chat.error\"")) {
        JsonObject p = new JsonObject(text).getJsonObject("payload");
        errors.computeIfAbsent(p.getString("code", "UNKNOWN"), k -> new LongAdder()).increment();
        if (sending && spec.ratePerSecond() <= 0) send(System.nanoTime());
      } else {
        onControl(text);
      }
    }

    void onControl(String text) {
      if (text.contains("\"type\":\"status\"") && text.contains("\"online\"")) online.tryComplete();
      if (text.contains("\"type\":\"auth.ok\"") && text.contains("\"paired\":true")) online.tryComplete();
    }
  }

  private final List<Pair> pairs = new ArrayList<>();
  private final List<Context> contexts = new ArrayList<>();

  /** Creates tokens (on a relay) and connects and authenticates every pair. Blocking. */
  public void connect() throws Exception {
    List<String> tokens = BenchTokens.make(spec.relayHttp(), spec.adminKey(), spec.pairs());
    Semaphore concurrent = new Semaphore(64);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    int loops = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < loops; i++) contexts.add(vertx.getOrCreateContext()); // from this thread: one per event loop
    for (int i = 0; i < tokens.size(); i++) {
      Pair p = new Pair(tokens.get(i), contexts.get(i % contexts.size()));
      pairs.add(p);
      concurrent.acquire();
      CompletableFuture<Void> done = new CompletableFuture<>();
      WebSocketClient client = clients.get(i % clients.size());
      p.context.runOnContext(v -> open(client, spec.phoneWs(), p, "phone")
          .compose(ws -> {
            p.phone = ws;
            return open(client, spec.agentWs(), p, "agent");
          })
          .compose(ws -> {
            p.agent = ws;
            return p.online.future();
          })
          .onComplete(ar -> {
            concurrent.release();
            if (ar.succeeded()) done.complete(null);
            else done.completeExceptionally(ar.cause());
          }));
      all.add(done);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
  }

  private Future<WebSocket> open(WebSocketClient client, String url, Pair p, String role) {
    return client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).compose(ws -> {
      Promise<WebSocket> authed = Promise.promise();
      ws.textMessageHandler(text -> {
        if (!authed.future().isComplete()) {
          if (text.contains("\"type\":\"auth.ok\"")) {
            authed.complete(ws);
            p.onControl(text);
          } else {
            authed.fail("auth refused: " + text);
          }
          return;
        }
        if (role.equals("phone")) p.onPhoneText(text);
        else p.onAgentText(text);
      });
      ws.exceptionHandler(e -> { });
      ws.writeTextMessage(new JsonObject().put("type", "auth")
          .put("payload", new JsonObject().put("token", p.token).put("role", role)).encode());
      return authed.future();
    });
  }

  /** Runs the load for warm-up plus duration, drains, and reports. Blocking. */
  public BenchResult run(String scenario, String target) throws Exception {
    sending = true;
    long start = System.nanoTime();
    double perPair = spec.ratePerSecond() / Math.max(1, pairs.size());
    List<Long> tickers = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      p.phaseNanos = perPair > 0 ? (long) (i / (double) pairs.size() / perPair * 1e9) : 0;
      p.context.runOnContext(v -> {
        if (spec.ratePerSecond() <= 0) {
          for (int k = 0; k < spec.inflight(); k++) p.send(System.nanoTime());
        }
      });
    }
    if (spec.ratePerSecond() > 0) {
      // One 1 ms ticker per event loop sends whatever its pairs are due (per-pair timers would swamp the generator).
      for (Context c : contexts) {
        List<Pair> mine = pairs.stream().filter(p -> p.context == c).toList();
        c.runOnContext(v -> tickers.add(vertx.setPeriodic(1, t -> {
          if (!sending) return;
          long now = System.nanoTime();
          for (Pair p : mine) {
            // Each pair has its own phase, so the pairs' sends spread evenly instead of bursting together.
            long due = (long) ((now - start - p.phaseNanos) / 1e9 * perPair);
            while (p.scheduled < due) {
              p.scheduled++;
              p.send(start + p.phaseNanos + (long) (p.scheduled / perPair * 1e9));
            }
          }
        })));
      }
    }
    Thread.sleep((long) (spec.warmupSeconds() * 1000));
    latency.reset();
    long deliveredAtStart = delivered.sum();
    long measureStart = System.nanoTime();
    measuring = true;
    Thread.sleep((long) (spec.durationSeconds() * 1000));
    measuring = false;
    double seconds = (System.nanoTime() - measureStart) / 1e9;
    long measuredDelivered = delivered.sum() - deliveredAtStart;
    Histogram h = latency.getIntervalHistogram();
    sending = false;
    tickers.forEach(vertx::cancelTimer);
    // Let what is in flight arrive, then account for every message sent.
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline && delivered.sum() + errorTotal() < sent.sum()) {
      Thread.sleep(20);
    }
    // Lost: sent but neither delivered nor refused with an error, or a sequence number never seen.
    long unaccounted = sent.sum() - delivered.sum() - errorTotal();
    long lost = Math.max(unaccounted, gaps.sum());
    Map<String, Long> errorCounts = new java.util.TreeMap<>();
    errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
    double perSecond = measuredDelivered / seconds;
    return new BenchResult(scenario, target, pairs.size(), spec.size(), spec.ratePerSecond(), seconds, sent.sum(),
        delivered.sum(), lost, duplicated.sum(), reordered.sum(), errorCounts, perSecond,
        perSecond * spec.size() / 1e6, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  private long errorTotal() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
