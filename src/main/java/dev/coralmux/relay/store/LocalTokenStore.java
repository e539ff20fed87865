package dev.coralmux.relay.store;

import dev.coralmux.relay.limits.LocalLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Standalone store: token records in {@code tokens.json} and usage counters in {@code usage.json}
 * in the data directory. Reads are served from memory; every write replaces the file atomically on
 * a single ordered worker thread, so no event loop ever waits for the disk and writes never interleave.
 */
public final class LocalTokenStore implements TokenStore {
  static final String TOKENS_FILE = "tokens.json";
  static final String USAGE_FILE = "usage.json";

  private final ConcurrentHashMap<String, TokenRecord> byHash = new ConcurrentHashMap<>();
  private final Path tokensFile;
  private final Path usageFile;
  private final LocalLimiter limiter;
  private final WorkerExecutor writer;
  private final CoalescedWrites tokenWrites;

  private LocalTokenStore(Vertx vertx, Path dataDir, LocalLimiter limiter) {
    this.tokensFile = dataDir.resolve(TOKENS_FILE);
    this.usageFile = dataDir.resolve(USAGE_FILE);
    this.limiter = limiter;
    this.writer = vertx.createSharedWorkerExecutor("coralmux-store-writer", 1);
    this.tokenWrites = new CoalescedWrites(writer, tokensFile, this::tokensJson);
  }

  /** Opens the store, reading what a previous run left. Blocking: call before serving. */
  public static LocalTokenStore open(Vertx vertx, Path dataDir, LocalLimiter limiter) {
    LocalTokenStore store = new LocalTokenStore(vertx, dataDir, limiter);
    JsonObject tokens = readJson(store.tokensFile);
    if (tokens != null) {
      for (Object o : tokens.getJsonArray("tokens", new JsonArray())) {
        TokenRecord r = TokenRecord.fromJson((JsonObject) o);
        store.byHash.put(r.hash(), r);
      }
    }
    JsonObject usage = readJson(store.usageFile);
    if (usage != null) limiter.restore(usage.getJsonObject("usage", new JsonObject()));
    return store;
  }

  private static JsonObject readJson(Path file) {
    if (!Files.exists(file)) return null;
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | DecodeException | ClassCastException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage()
          + " (fix or move the file away; the relay will not start over unreadable data)", e);
    }
  }

  @Override
  public Future<Void> create(TokenRecord record) {
    byHash.put(record.hash(), record);
    return writeTokens();
  }

  @Override
  public Future<TokenRecord> find(String hash) {
    return Future.succeededFuture(byHash.get(hash));
  }

  @Override
  public Future<TokenRecord> findById(String id) {
    for (TokenRecord r : byHash.values()) {
      if (r.id().equals(id)) return Future.succeededFuture(r);
    }
    return Future.succeededFuture(null);
  }

  @Override
  public Future<List<TokenRecord>> list() {
    List<TokenRecord> all = new ArrayList<>(byHash.values());
    all.sort(Comparator.comparingLong(TokenRecord::createdAt));
    return Future.succeededFuture(all);
  }

  @Override
  public Future<Boolean> revoke(String hash) {
    boolean existed = byHash.remove(hash) != null;
    if (!existed) return Future.succeededFuture(false);
    limiter.forget(hash);
    return writeTokens().map(true);
  }

  @Override
  public Future<Void> flush() {
    if (!limiter.takeDirty()) return Future.succeededFuture();
    return writer.executeBlocking(() -> {
      flushBlocking();
      return null;
    }, true);
  }

  /** Writes usage counters now, on the calling thread: for shutdown, after the event loops stopped. */
  public synchronized void flushBlocking() throws IOException {
    JsonObject doc = new JsonObject().put("version", 1).put("usage", limiter.snapshot());
    AtomicFiles.write(usageFile, doc.encodePrettily().getBytes(StandardCharsets.UTF_8));
  }

  /** Writes tokens.json after a change (coalesced; completes once the change is on disk). */
  private Future<Void> writeTokens() {
    return tokenWrites.request();
  }

  private byte[] tokensJson() {
    JsonArray arr = new JsonArray();
    for (TokenRecord r : byHash.values()) arr.add(r.toJson());
    return new JsonObject().put("version", 1).put("tokens", arr).encodePrettily().getBytes(StandardCharsets.UTF_8);
  }
}
