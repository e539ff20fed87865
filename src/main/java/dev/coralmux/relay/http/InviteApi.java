package dev.coralmux.relay.http;

import dev.coralmux.relay.invite.InviteCodes;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.invite.InviteKeys;
import dev.coralmux.relay.invite.InviteStore;
import dev.coralmux.relay.limits.FixedWindowLimiter;
import dev.coralmux.relay.limits.WindowLimiter;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.store.TokenStore;
import dev.coralmux.relay.store.Tokens;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * Invite codes: a holder of a valid token asks for a 6-character code; whoever types the code
 * (once, within its lifetime) gets the token. Guessing is made hopeless by the code space
 * (31^6 ≈ 887 million), single use, a 30-minute life, and failure limits per client IP (cluster-wide
 * in cluster mode) and per node; every failure is counted. Creation is limited per client IP, and per
 * token by the store (a token's newest invites replace its oldest), so no one can use up invites for
 * everybody.
 */
final class InviteApi {
  /** Failed redemptions one node accepts per minute from everyone together (a distributed guess). */
  private static final int GLOBAL_FAILURES_PER_MINUTE = 600;

  private final RelayConfig config;
  private final TokenStore store;
  private final InviteStore invites;
  private final InviteKeys keys;
  private final RelayMetrics metrics;
  private final ClientIp clientIp;
  private final WindowLimiter failuresPerIp;
  private final WindowLimiter creationsPerIp;
  private final FixedWindowLimiter failuresEverywhere = new FixedWindowLimiter(GLOBAL_FAILURES_PER_MINUTE, 60_000);

  InviteApi(RelayConfig config, TokenStore store, InviteStore invites, InviteKeys keys, RelayMetrics metrics,
            WindowLimiter.Factory perIp) {
    this.config = config;
    this.store = store;
    this.invites = invites;
    this.keys = keys;
    this.metrics = metrics;
    this.clientIp = new ClientIp(config.registration().trustedProxies());
    this.failuresPerIp = perIp.create("invite_failures", config.invite().failuresPerIp(), 600_000);
    this.creationsPerIp = perIp.create("invite_creations", config.invite().creationsPerIpPerHour(), 3_600_000);
  }

  /** POST /api/v1/invite {"token"}: 201 {"code", "expires_at"}; 429 past the client IP's hourly creations. */
  void create(RoutingContext ctx) {
    // Every attempt counts, valid token or not: creation must not double as a token oracle either.
    creationsPerIp.hit(clientIp.of(ctx)).onComplete(ar -> {
      if (ar.failed()) {
        ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot create invites right now");
      } else if (ar.result() >= 0) {
        tooMany(ctx, ar.result(), "at most " + config.invite().creationsPerIpPerHour() + " invites per hour from one address");
      } else {
        createAllowed(ctx);
      }
    });
  }

  private void createAllowed(RoutingContext ctx) {
    String token;
    try {
      JsonObject body = ctx.body().asJsonObject();
      token = body == null ? null : body.getString("token");
    } catch (DecodeException | ClassCastException e) {
      ApiError.badRequest(ctx, "body must be a JSON object with \"token\"");
      return;
    }
    if (!Tokens.wellFormed(token)) {
      ApiError.badRequest(ctx, "token: a pairing token is required");
      return;
    }
    LiveToken.find(ctx, store, token, record -> {
      String code = InviteCodes.generate();
      long ttl = config.invite().ttlMs();
      invites.put(record.hash(), keys.hash(code), keys.seal(code, token), ttl, config.invite().maxLivePerToken())
          .onSuccess(v -> TokenApi.json(ctx, 201, new JsonObject().put("code", code)
              .put("expires_at", Instant.ofEpochMilli(System.currentTimeMillis() + ttl).toString())))
          .onFailure(e -> ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot store the invite right now"));
    });
  }

  /** POST /api/v1/invite/{code}: 200 {"token"} once; 404 for unknown, used or expired codes. */
  void redeem(RoutingContext ctx) {
    String ip = clientIp.of(ctx);
    // Checked before looking the code up: past the limit even a right guess is refused.
    long everywhere = failuresEverywhere.blockedFor("all", System.currentTimeMillis());
    failuresPerIp.blockedFor(ip).onComplete(ar -> {
      if (ar.failed()) {
        ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot check invites right now");
        return;
      }
      long blocked = Math.max(ar.result(), everywhere);
      if (blocked >= 0) {
        tooMany(ctx, blocked, "too many wrong invite codes; try again later");
        return;
      }
      String code = InviteCodes.normalize(ctx.pathParam("code"));
      if (code == null) {
        fail(ctx, ip);
        return;
      }
      invites.take(keys.hash(code)).onSuccess(sealed -> {
        String token = sealed == null ? null : keys.open(code, sealed);
        if (token == null) fail(ctx, ip);
        else TokenApi.json(ctx, 200, new JsonObject().put("token", token));
      }).onFailure(e -> ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot check invites right now"));
    });
  }

  private void fail(RoutingContext ctx, String ip) {
    metrics.inviteFailure();
    failuresEverywhere.tryAcquire("all", System.currentTimeMillis());
    // Answered once counted, so the next guess (on any node) already sees this one.
    failuresPerIp.hit(ip).onComplete(ar -> ApiError.notFound(ctx, "unknown, already used or expired invite code"));
  }

  private static void tooMany(RoutingContext ctx, long waitMs, String message) {
    ctx.response().putHeader("Retry-After", String.valueOf((waitMs + 999) / 1000));
    TokenApi.json(ctx, 429, new JsonObject().put("code", "RATE_LIMITED")
        .put("message", message).put("retry_after_ms", waitMs));
  }
}
