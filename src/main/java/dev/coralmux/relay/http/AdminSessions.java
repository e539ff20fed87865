package dev.coralmux.relay.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived sessions for the dashboard: the operator's admin key is exchanged once for a random
 * session id, so the key itself never sits in the browser. The id comes back in the JSON (the page
 * keeps it in memory for {@code Authorization: Bearer}) and as an HttpOnly, SameSite=Strict cookie
 * scoped to the admin routes (for the EventSource streams, which cannot set headers). Node-local (a
 * page talks to one node at a time).
 */
public final class AdminSessions {
  public static final long TTL_MS = 15 * 60_000;
  static final String COOKIE = "coralmux_admin";
  static final String COOKIE_PATH = "/api/v1/admin";
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

  /** Ends a session (logout); unknown ids are ignored. */
  public void close(String id) {
    if (id != null) expiries.remove(id);
  }

  /** The session id a request presents: {@code Authorization: Bearer}, else the cookie; null if none. */
  static String presented(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) return auth.substring(7).trim();
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null || c.getValue().isEmpty() ? null : c.getValue();
  }

  /** The session cookie; {@code Secure} when the request came over TLS. {@code maxAgeS} 0 clears it. */
  static Cookie cookie(RoutingContext ctx, String value, long maxAgeS) {
    return Cookie.cookie(COOKIE, value).setPath(COOKIE_PATH).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(ctx.request().isSSL()).setMaxAge(maxAgeS);
  }
}
