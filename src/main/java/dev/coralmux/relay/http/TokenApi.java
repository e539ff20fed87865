package dev.coralmux.relay.http;

import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.limits.Usage;
import dev.coralmux.relay.limits.WindowLimiter;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.limits.Limiter;
import dev.coralmux.relay.routing.PresenceDirectory;
import dev.coralmux.relay.store.TokenStore;
import dev.coralmux.relay.store.TokenRecord;
import dev.coralmux.relay.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** The pairing-token API, compatible with the original relay's routes plus listing and usage. */
final class TokenApi {
  private static final Logger LOG = Logger.getLogger(TokenApi.class.getName());
  private static final short CLOSE_REVOKED = 4401;

  private final RelayConfig config;
  private final TokenStore store;
  private final Limiter limiter;
  private final PresenceDirectory presence;
  private final EdgeBus bus;
  private final WindowLimiter registrations;
  private final ClientIp clientIp;

  TokenApi(RelayConfig config, TokenStore store, Limiter limiter, PresenceDirectory presence, EdgeBus bus,
           WindowLimiter.Factory perIp) {
    this.config = config;
    this.store = store;
    this.limiter = limiter;
    this.presence = presence;
    this.bus = bus;
    var reg = config.registration();
    this.registrations = perIp.create("registrations", reg.perIpPerHour(), 3_600_000);
    this.clientIp = new ClientIp(reg.trustedProxies());
  }

  /** POST /api/v1/pair (admin): a new token with optional label, expiry and limit overrides. */
  void create(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      ApiError.badRequest(ctx, "body must be a JSON object");
      return;
    }
    TokenRequest req;
    try {
      req = TokenRequest.parse(body, config.websocket().hardMaxMessageBytes());
    } catch (TokenRequest.Invalid e) {
      ApiError.badRequest(ctx, e.getMessage());
      return;
    }
    issue(ctx, req, "admin");
  }

  /** POST /api/v1/register: a self-service token with default limits, limited per client IP. */
  void register(RoutingContext ctx) {
    var reg = config.registration();
    if (!reg.enabled()) {
      ApiError.send(ctx, 403, "REGISTRATION_DISABLED", "self-service registration is turned off on this relay");
      return;
    }
    registrations.hit(clientIp.of(ctx)).onComplete(ar -> {
      if (ar.failed()) {
        ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot register right now; try again");
      } else if (ar.result() >= 0) {
        long wait = ar.result();
        ctx.response().putHeader("Retry-After", String.valueOf((wait + 999) / 1000));
        json(ctx, 429, new JsonObject().put("code", "RATE_LIMITED")
            .put("message", "at most " + reg.perIpPerHour() + " registrations per hour from one address")
            .put("retry_after_ms", wait));
      } else {
        issue(ctx, new TokenRequest("self-service", 0, dev.coralmux.relay.limits.LimitOverrides.NONE), "register");
      }
    });
  }

  private void issue(RoutingContext ctx, TokenRequest req, String via) {
    String token = Tokens.generate();
    long now = System.currentTimeMillis();
    long expiresAt = req.expiresInSeconds() > 0 ? now + req.expiresInSeconds() * 1000 : 0;
    TokenRecord record = new TokenRecord(Tokens.hash(token), req.label(), now, expiresAt, req.overrides());
    store.create(record).onComplete(ar -> {
      if (ar.failed()) {
        LOG.severe("could not store new token " + record.id() + ": " + ar.cause());
        ApiError.internal(ctx);
        return;
      }
      LOG.info("token " + record.id() + " created via " + via);
      JsonObject out = describe(record).put("token", token);
      json(ctx, 201, out);
    });
  }

  /** GET /api/v1/pair (admin): every token by id (hash prefix) with label, dates, limits, usage. */
  void list(RoutingContext ctx) {
    store.list().compose(records -> {
      List<Future<JsonObject>> rows = new ArrayList<>();
      for (TokenRecord r : records) {
        rows.add(Future.all(limiter.usage(r.hash()), presence(r.hash()))
            .map(f -> describe(r).put("usage", usageJson(f.resultAt(0))).put("online", f.resultAt(1))));
      }
      return Future.all(rows).map(f -> {
        JsonArray arr = new JsonArray();
        for (int i = 0; i < rows.size(); i++) arr.add(f.resultAt(i));
        return arr;
      });
    }).onSuccess(arr -> json(ctx, 200, new JsonObject().put("tokens", arr)))
        .onFailure(e -> ApiError.internal(ctx));
  }

  /** GET /api/v1/pair/{token}: which sides are connected. */
  void status(RoutingContext ctx) {
    withToken(ctx, r -> presence(r.hash()).onSuccess(p -> json(ctx, 200, p))
        .onFailure(e -> ApiError.internal(ctx)));
  }

  /** GET /api/v1/pair/{token}/usage: the token's usage and limits. */
  void usage(RoutingContext ctx) {
    withToken(ctx, r -> limiter.usage(r.hash()).onSuccess(u -> {
      Limits l = config.limits().with(r.overrides());
      json(ctx, 200, new JsonObject()
          .put("daily_used_bytes", u.dailyUsedBytes()).put("daily_quota_bytes", l.dailyBytes())
          .put("monthly_used_bytes", u.monthlyUsedBytes()).put("monthly_quota_bytes", l.monthlyBytes())
          .put("phone_per_min", l.phonePerMin()).put("agent_per_min", l.agentPerMin())
          .put("agent_stream_per_min", l.agentStreamPerMin()));
    }).onFailure(e -> ApiError.internal(ctx)));
  }

  /** DELETE /api/v1/pair/{token or id} (admin): the token stops working and its sockets close. */
  void revoke(RoutingContext ctx) {
    String key = ctx.pathParam("token");
    Future<TokenRecord> found = key.startsWith(Tokens.PREFIX)
        ? store.find(Tokens.hash(key))
        : key.length() == Tokens.ID_LENGTH ? store.findById(key) : Future.succeededFuture(null);
    found.compose(r -> {
      if (r == null) return Future.succeededFuture(false);
      return store.revoke(r.hash())
          .compose(existed -> bus.closeToken(r.hash(), CLOSE_REVOKED, "token revoked").map(existed))
          .onSuccess(v -> LOG.info("token " + r.id() + " revoked"));
    }).onSuccess(existed -> {
      if (existed) ctx.response().setStatusCode(204).end();
      else ApiError.notFound(ctx, "no such token");
    }).onFailure(e -> ApiError.internal(ctx));
  }

  private void withToken(RoutingContext ctx, java.util.function.Consumer<TokenRecord> then) {
    LiveToken.find(ctx, store, ctx.pathParam("token"), then);
  }

  private Future<JsonObject> presence(String hash) {
    return Future.all(presence.locate(hash, Role.PHONE), presence.locate(hash, Role.AGENT))
        .map(f -> new JsonObject().put("phone", f.resultAt(0) != null).put("agent", f.resultAt(1) != null));
  }

  private JsonObject describe(TokenRecord r) {
    Limits l = config.limits().with(r.overrides());
    return new JsonObject()
        .put("id", r.id())
        .put("label", r.label())
        .put("created_at", Instant.ofEpochMilli(r.createdAt()).toString())
        .put("expires_at", r.expiresAt() > 0 ? Instant.ofEpochMilli(r.expiresAt()).toString() : null)
        .put("limits", l.toJson());
  }

  private static JsonObject usageJson(Usage u) {
    return new JsonObject().put("daily_used_bytes", u.dailyUsedBytes()).put("monthly_used_bytes", u.monthlyUsedBytes());
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
