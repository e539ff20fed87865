package dev.coralmux.relay.http;

import dev.coralmux.relay.store.Tokens;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Logger;

/**
 * Guards admin routes with the {@code X-Admin-Key} header (or a dashboard session). Keys are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and independent
 * of the keys' lengths. Wrong keys are counted per client IP ({@code admin.failures_per_ip} per 10
 * minutes); past that, every admin call from that IP gets 429 until the window ends, even with the
 * right key, so the key cannot be guessed at speed.
 */
final class AdminAuth implements Handler<RoutingContext> {
  static final String HEADER = "X-Admin-Key";
  /** Routing-context key: the session id that authenticated this request, if it was a session. */
  static final String SESSION = "coralmux.admin.session";
  static final long FAILURE_WINDOW_MS = 600_000;
  private static final Logger LOG = Logger.getLogger(AdminAuth.class.getName());

  private final byte[] expectedDigest;
  private final AdminSessions sessions;
  private final ClientIp clientIp;
  private final FixedWindowLimiter failures;

  /**
   * @param sessions null: only the key is accepted (session creation, metrics)
   * @param failures wrong keys per client IP, shared by every admin route of the node
   */
  AdminAuth(String adminKey, AdminSessions sessions, ClientIp clientIp, FixedWindowLimiter failures) {
    this.expectedDigest = Tokens.sha256(adminKey.getBytes(StandardCharsets.UTF_8));
    this.sessions = sessions;
    this.clientIp = clientIp;
    this.failures = failures;
  }

  boolean matches(String candidate) {
    if (candidate == null) return false;
    return MessageDigest.isEqual(expectedDigest, Tokens.sha256(candidate.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String ip = clientIp.of(ctx);
    long now = System.currentTimeMillis();
    long locked = failures.blockedFor(ip, now);
    if (locked >= 0) {
      ctx.response().putHeader("Retry-After", String.valueOf((locked + 999) / 1000));
      TokenApi.json(ctx, 429, new JsonObject().put("code", "RATE_LIMITED")
          .put("message", "too many wrong admin keys from this address; try again later").put("retry_after_ms", locked));
      return;
    }
    // A dashboard session stands in for the key: as a bearer token, or as the HttpOnly cookie
    // (EventSource streams cannot set headers). Never from the URL, where it would end up in logs.
    String session = AdminSessions.presented(ctx);
    if (sessions != null && sessions.valid(session)) {
      ctx.put(SESSION, session);
      ctx.next();
      return;
    }
    String given = ctx.request().getHeader(HEADER);
    if (given == null) {
      ApiError.send(ctx, 401, "UNAUTHORIZED", "missing " + HEADER + " header");
    } else if (!matches(given)) {
      failures.tryAcquire(ip, now);
      // The route's pattern, not the path (which may hold a token); never the key that was tried.
      String route = ctx.currentRoute() == null ? "" : " " + ctx.currentRoute().getPath();
      LOG.warning("wrong admin key from " + ip + " on " + ctx.request().method() + route);
      ApiError.send(ctx, 401, "UNAUTHORIZED", "wrong admin key");
    } else {
      ctx.next();
    }
  }
}
