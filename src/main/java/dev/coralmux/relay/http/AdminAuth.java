package dev.coralmux.relay.http;

import dev.coralmux.relay.admin.AdminSessions;
import dev.coralmux.relay.limits.WindowLimiter;
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
 * minutes; cluster-wide in cluster mode); past that, every admin call from that IP gets 429 until
 * the window ends, even with the right key, so the key cannot be guessed at speed.
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
  private final WindowLimiter failures;

  /**
   * @param sessions null: only the key is accepted (session creation, metrics)
   * @param failures wrong keys per client IP, shared by every admin route of the node (of the cluster)
   */
  AdminAuth(String adminKey, AdminSessions sessions, ClientIp clientIp, WindowLimiter failures) {
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
    failures.blockedFor(ip).onComplete(ar -> {
      if (ar.failed()) {
        ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot check admin access right now");
      } else if (ar.result() >= 0) {
        long locked = ar.result();
        ctx.response().putHeader("Retry-After", String.valueOf((locked + 999) / 1000));
        TokenApi.json(ctx, 429, new JsonObject().put("code", "RATE_LIMITED")
            .put("message", "too many wrong admin keys from this address; try again later").put("retry_after_ms", locked));
      } else {
        sessionOrKey(ctx, ip);
      }
    });
  }

  /** A dashboard session stands in for the key: as a bearer token, or as the HttpOnly cookie. */
  private void sessionOrKey(RoutingContext ctx, String ip) {
    String session = SessionCookie.presented(ctx);
    if (sessions == null || session == null) {
      key(ctx, ip);
      return;
    }
    sessions.valid(session).onComplete(ar -> {
      if (ar.failed()) {
        ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot check the session right now; try again");
      } else if (ar.result()) {
        ctx.put(SESSION, session);
        ctx.next();
      } else {
        key(ctx, ip);
      }
    });
  }

  private void key(RoutingContext ctx, String ip) {
    String given = ctx.request().getHeader(HEADER);
    if (given == null) {
      ApiError.send(ctx, 401, "UNAUTHORIZED", "missing " + HEADER + " header");
    } else if (!matches(given)) {
      // The route's pattern, not the path (which may hold a token); never the key that was tried.
      String route = ctx.currentRoute() == null ? "" : " " + ctx.currentRoute().getPath();
      LOG.warning("wrong admin key from " + ip + " on " + ctx.request().method() + route);
      // Answered once counted, so the next request (on any node) already sees this failure.
      failures.hit(ip).onComplete(ar -> ApiError.send(ctx, 401, "UNAUTHORIZED", "wrong admin key"));
    } else {
      ctx.next();
    }
  }
}
