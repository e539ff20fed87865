package dev.coralmux.relay.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Tokens for a bench run: created through the relay's API, or made up for the baseline. */
final class BenchTokens {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private BenchTokens() {}

  /**
   * @param relayHttp the relay's HTTP base, or null for made-up tokens (the baseline accepts any)
   */
  static List<String> make(String relayHttp, String adminKey, int n) throws Exception {
    return relayHttp == null ? random(n) : create(relayHttp, adminKey, n);
  }

  private static List<String> random(int n) {
    SecureRandom r = new SecureRandom();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[16];
      r.nextBytes(b);
      out.add("oc_pair_" + HexFormat.of().formatHex(b));
    }
    return out;
  }

  /** Limits raised so the bench measures forwarding, not the limiter's refusals. */
  private static List<String> create(String relayHttp, String adminKey, int n) throws Exception {
    JsonObject body = new JsonObject().put("label", "bench").put("limits", new JsonObject()
        .put("phone_per_min", 1_000_000_000).put("agent_per_min", 1_000_000_000)
        .put("daily_bytes", Long.MAX_VALUE / 8).put("monthly_bytes", Long.MAX_VALUE / 8));
    Semaphore concurrent = new Semaphore(32);
    List<CompletableFuture<String>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      concurrent.acquire();
      HttpRequest req = HttpRequest.newBuilder(URI.create(relayHttp + "/api/v1/pair"))
          .header("X-Admin-Key", adminKey).header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
      all.add(HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> concurrent.release())
          .thenApply(r -> {
            if (r.statusCode() != 201) throw new IllegalStateException("token creation failed: " + r.statusCode() + " " + r.body());
            return new JsonObject(r.body()).getString("token");
          }));
    }
    List<String> out = new ArrayList<>();
    for (CompletableFuture<String> f : all) out.add(f.get(5, TimeUnit.MINUTES));
    return out;
  }
}
