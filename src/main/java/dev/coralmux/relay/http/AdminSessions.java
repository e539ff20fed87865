package dev.coralmux.relay.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived sessions for the dashboard: the operator's admin key is exchanged once for a random
 * session id the page keeps in memory only, so the key itself never sits in the browser.
 * Node-local (a page talks to one node at a time).
 */
public final class AdminSessions {
  public static final long TTL_MS = 15 * 60_000;
  private static final int MAX_SESSIONS = 1_000;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();

  public String open() {
    long now = System.currentTimeMillis();
    if (expiries.size() >= MAX_SESSIONS) expiries.values().removeIf(exp -> exp <= now);
    byte[] b = new byte[24];
    random.nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    expiries.put(id, now + TTL_MS);
    return id;
  }

  public boolean valid(String id) {
    if (id == null) return false;
    Long exp = expiries.get(id);
    if (exp == null) return false;
    if (exp <= System.currentTimeMillis()) {
      expiries.remove(id);
      return false;
    }
    return true;
  }
}
