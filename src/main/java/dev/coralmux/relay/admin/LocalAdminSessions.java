package dev.coralmux.relay.admin;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Standalone sessions: session hash → expiry, in this node's memory. */
public final class LocalAdminSessions implements AdminSessions {
  private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();

  @Override
  public Future<String> open() {
    long now = System.currentTimeMillis();
    if (expiries.size() >= MAX_SESSIONS) expiries.values().removeIf(exp -> exp <= now);
    while (expiries.size() >= MAX_SESSIONS) { // all live: the one closest to expiry makes room
      expiries.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> expiries.remove(e.getKey()));
    }
    String id = SessionIds.generate();
    expiries.put(SessionIds.hash(id), now + TTL_MS);
    return Future.succeededFuture(id);
  }

  @Override
  public Future<Boolean> valid(String id) {
    if (id == null) return Future.succeededFuture(false);
    String hash = SessionIds.hash(id);
    Long exp = expiries.get(hash);
    if (exp != null && exp <= System.currentTimeMillis()) {
      expiries.remove(hash);
      exp = null;
    }
    return Future.succeededFuture(exp != null);
  }

  @Override
  public Future<Void> close(String id) {
    if (id != null) expiries.remove(SessionIds.hash(id));
    return Future.succeededFuture();
  }
}
