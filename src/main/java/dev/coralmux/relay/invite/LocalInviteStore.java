package dev.coralmux.relay.invite;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;

/** Invites of a standalone node, in memory (a restart voids pending invites; they last 30 minutes anyway). */
public final class LocalInviteStore implements InviteStore {
  private static final int MAX_PENDING = 100_000;
  private record Entry(String sealed, long expiresAt) {}

  private final ConcurrentHashMap<String, Entry> invites = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(String codeHash, String sealedToken, long ttlMs) {
    long now = System.currentTimeMillis();
    if (invites.size() >= MAX_PENDING) invites.values().removeIf(e -> e.expiresAt() <= now);
    if (invites.size() >= MAX_PENDING) return Future.failedFuture(new IllegalStateException("too many pending invites"));
    invites.put(codeHash, new Entry(sealedToken, now + ttlMs));
    return Future.succeededFuture();
  }

  @Override
  public Future<String> take(String codeHash) {
    Entry e = invites.remove(codeHash);
    return Future.succeededFuture(e == null || e.expiresAt() <= System.currentTimeMillis() ? null : e.sealed());
  }
}
