package dev.coralmux.relay.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * How a dashboard session travels: the id comes back in the JSON (the page keeps it in memory for
 * {@code Authorization: Bearer}) and as an HttpOnly, SameSite=Strict cookie scoped to the admin
 * routes (for the EventSource streams, which cannot set headers). Never in a URL, where it would
 * end up in logs.
 */
final class SessionCookie {
  static final String NAME = "coralmux_admin";
  static final String PATH = "/api/v1/admin";

  private SessionCookie() {}

  /** The session id a request presents: {@code Authorization: Bearer}, else the cookie; null if none. */
  static String presented(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) return auth.substring(7).trim();
    Cookie c = ctx.request().getCookie(NAME);
    return c == null || c.getValue().isEmpty() ? null : c.getValue();
  }

  /** The session cookie; {@code Secure} when the request came over TLS. {@code maxAgeS} 0 clears it. */
  static Cookie of(RoutingContext ctx, String value, long maxAgeS) {
    return Cookie.cookie(NAME, value).setPath(PATH).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(ctx.request().isSSL()).setMaxAge(maxAgeS);
  }
}
