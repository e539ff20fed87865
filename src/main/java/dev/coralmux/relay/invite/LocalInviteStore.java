package dev.coralmux.relay.invite;

import dev.coralmux.relay.store.CoalescedWrites;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Invites of a standalone node: in memory, and in {@code invites.json} in the data directory (code
 * hashes and sealed tokens only), so a restart keeps pending invites. A change is answered once it
 * is on disk, so a redeemed code stays redeemed across a crash.
 */
public final class LocalInviteStore implements InviteStore {
  static final String FILE = "invites.json";
  /** A memory bound over all tokens; with {@code max_live_per_token} it takes this many tokens to reach it. */
  private static final int MAX_PENDING = 100_000;
  private static final Logger LOG = Logger.getLogger(LocalInviteStore.class.getName());

  private record Entry(String tokenHash, String sealed, long expiresAt) {}

  private final LinkedHashMap<String, Entry> invites = new LinkedHashMap<>(); // guarded by this; oldest first
  private final Map<String, ArrayDeque<String>> byToken = new HashMap<>(); // guarded by this; code hashes, oldest first
  private final CoalescedWrites writes; // null: memory only

  /** Memory only (tests). */
  public LocalInviteStore() {
    this.writes = null;
  }

  private LocalInviteStore(Vertx vertx, Path file) {
    this.writes = new CoalescedWrites(vertx.createSharedWorkerExecutor("coralmux-invite-writer", 1), file, this::json);
  }

  /** Opens the store on {@code dataDir}, reading the invites a previous run left. Blocking: call before serving. */
  public static LocalInviteStore open(Vertx vertx, Path dataDir) {
    Path file = dataDir.resolve(FILE);
    LocalInviteStore store = new LocalInviteStore(vertx, file);
    if (!Files.exists(file)) return store;
    try {
      long now = System.currentTimeMillis();
      for (Object o : new JsonObject(Files.readString(file, StandardCharsets.UTF_8)).getJsonArray("invites", new JsonArray())) {
        JsonObject j = (JsonObject) o;
        if (j.getLong("expires_at") > now) {
          store.add(j.getString("code_hash"), new Entry(j.getString("token_hash"), j.getString("sealed"), j.getLong("expires_at")));
        }
      }
    } catch (IOException | DecodeException | ClassCastException | NullPointerException e) {
      // Invites live 30 minutes and can be asked for again: not worth refusing to start over.
      LOG.warning("ignoring unreadable " + file + " (pending invites are void): " + e.getMessage());
    }
    return store;
  }

  @Override
  public Future<Void> put(String tokenHash, String codeHash, String sealedToken, long ttlMs, int maxLivePerToken) {
    synchronized (this) {
      long now = System.currentTimeMillis();
      ArrayDeque<String> mine = byToken.computeIfAbsent(tokenHash, k -> new ArrayDeque<>());
      mine.removeIf(h -> expired(h, now));
      while (mine.size() >= maxLivePerToken) invites.remove(mine.pollFirst());
      if (invites.size() >= MAX_PENDING) pruneExpired(now);
      if (invites.size() >= MAX_PENDING) {
        if (mine.isEmpty()) byToken.remove(tokenHash);
        return Future.failedFuture(new IllegalStateException("too many pending invites"));
      }
      add(codeHash, new Entry(tokenHash, sealedToken, now + ttlMs));
    }
    return writes == null ? Future.succeededFuture() : writes.request();
  }

  @Override
  public Future<String> take(String codeHash) {
    Entry e;
    synchronized (this) {
      e = invites.remove(codeHash);
      if (e == null) return Future.succeededFuture(null);
      ArrayDeque<String> mine = byToken.get(e.tokenHash());
      if (mine != null) {
        mine.remove(codeHash);
        if (mine.isEmpty()) byToken.remove(e.tokenHash());
      }
    }
    String sealed = e.expiresAt() <= System.currentTimeMillis() ? null : e.sealed();
    return writes == null ? Future.succeededFuture(sealed) : writes.request().map(sealed);
  }

  /** Called holding the lock. */
  private void add(String codeHash, Entry e) {
    invites.put(codeHash, e);
    byToken.computeIfAbsent(e.tokenHash(), k -> new ArrayDeque<>()).addLast(codeHash);
  }

  /** Called holding the lock: whether the invite is gone or expired (and then removes it). */
  private boolean expired(String codeHash, long now) {
    Entry e = invites.get(codeHash);
    if (e != null && e.expiresAt() > now) return false;
    invites.remove(codeHash);
    return true;
  }

  /** Called holding the lock. */
  private void pruneExpired(long now) {
    invites.values().removeIf(e -> e.expiresAt() <= now);
    byToken.values().removeIf(q -> {
      q.removeIf(h -> !invites.containsKey(h));
      return q.isEmpty();
    });
  }

  /** The file's content: live invites, oldest first (runs on the writer thread; encodes outside the lock). */
  private byte[] json() {
    List<Map.Entry<String, Entry>> live;
    synchronized (this) {
      live = new ArrayList<>(invites.entrySet());
    }
    long now = System.currentTimeMillis();
    JsonArray arr = new JsonArray();
    for (Map.Entry<String, Entry> x : live) {
      Entry e = x.getValue();
      if (e.expiresAt() > now) {
        arr.add(new JsonObject().put("code_hash", x.getKey()).put("token_hash", e.tokenHash()).put("sealed", e.sealed())
            .put("expires_at", e.expiresAt()));
      }
    }
    return new JsonObject().put("version", 1).put("invites", arr).encode().getBytes(StandardCharsets.UTF_8);
  }

  /** Live invites held (tests). */
  public synchronized int size() {
    return invites.size();
  }
}
