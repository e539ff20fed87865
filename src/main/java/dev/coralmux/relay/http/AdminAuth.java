package dev.coralmux.relay.http;

import dev.coralmux.relay.store.Tokens;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards admin routes with the {@code X-Admin-Key} header. Keys are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}: constant time, and independent of the keys' lengths.
 */
final class AdminAuth implements Handler<RoutingContext> {
  static final String HEADER = "X-Admin-Key";
  private final byte[] expectedDigest;
  private final AdminSessions sessions;

  AdminAuth(String adminKey, AdminSessions sessions) {
    this.expectedDigest = Tokens.sha256(adminKey.getBytes(StandardCharsets.UTF_8));
    this.sessions = sessions;
  }

  boolean matches(String candidate) {
    if (candidate == null) return false;
    return MessageDigest.isEqual(expectedDigest, Tokens.sha256(candidate.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void handle(RoutingContext ctx) {
    // A dashboard session (from POST /api/v1/admin/session) stands in for the key: as a bearer
    // token, or as ?session= for EventSource streams, which cannot set headers.
    String auth = ctx.request().getHeader("Authorization");
    String session = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : ctx.request().getParam("session");
    if (sessions != null && sessions.valid(session)) {
      ctx.next();
      return;
    }
    String given = ctx.request().getHeader(HEADER);
    if (given == null) {
      ApiError.send(ctx, 401, "UNAUTHORIZED", "missing " + HEADER + " header");
    } else if (!matches(given)) {
      ApiError.send(ctx, 401, "UNAUTHORIZED", "wrong admin key");
    } else {
      ctx.next();
    }
  }
}
