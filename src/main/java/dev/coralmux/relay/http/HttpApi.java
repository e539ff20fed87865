package dev.coralmux.relay.http;

import dev.coralmux.relay.limits.WindowLimiter;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.EdgeBus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP routes of a node: the token API, invites, dashboard, {@code /health} and metrics
 * (WebSocket upgrades go to the edge). Built once per node, so its per-IP limiters count every
 * request the node gets (and, in cluster mode, share their counts in Redis with every node); each
 * edge verticle asks for its own {@link Router} over them.
 */
public final class HttpApi {
  private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final HttpDependencies deps;
  private final AdminAuth admin;
  private final AdminAuth adminKeyOnly;
  private final DashboardApi dashboard;
  private final TokenApi tokens;
  private final InviteApi invites;
  private final PairingApi pairing;

  public HttpApi(Vertx vertx, HttpDependencies deps) {
    this.vertx = vertx;
    this.deps = deps;
    ClientIp clientIp = new ClientIp(deps.config().registration().trustedProxies());
    // One count of wrong keys per client IP for every admin route (and the metrics port) of the node
    // (of the cluster, in cluster mode).
    WindowLimiter adminFailures = deps.perIpLimits().create("admin_failures", deps.config().admin().failuresPerIp(),
        AdminAuth.FAILURE_WINDOW_MS);
    this.admin = new AdminAuth(deps.adminKey(), deps.sessions(), clientIp, adminFailures);
    this.adminKeyOnly = new AdminAuth(deps.adminKey(), null, clientIp, adminFailures);
    this.dashboard = new DashboardApi(vertx, deps);
    this.tokens = new TokenApi(deps.config(), deps.store(), deps.limiter(), deps.presence(),
        new EdgeBus(vertx, deps.presence()), deps.perIpLimits());
    this.invites = new InviteApi(deps.config(), deps.store(), deps.invites(), deps.inviteKeys(), deps.metrics(),
        deps.perIpLimits());
    this.pairing = new PairingApi(vertx, deps.config(), deps.store());
  }

  public Router router() {
    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);

    // Upgrades never reach the router (the edge takes them); a plain request to /ws learns why.
    router.route("/ws").handler(ctx -> ApiError.send(ctx, 426, "UPGRADE_REQUIRED",
        "/ws speaks CoralMux v1 over WebSocket only"));

    JsonContent json = JsonContent.REQUIRED;
    router.post("/api/v1/pair").handler(json).handler(body).handler(admin).handler(tokens::create);
    router.get("/api/v1/pair").handler(admin).handler(tokens::list);
    router.get("/api/v1/pair/:token").handler(tokens::status);
    router.get("/api/v1/pair/:token/usage").handler(tokens::usage);
    router.delete("/api/v1/pair/:token").handler(admin).handler(tokens::revoke);
    router.post("/api/v1/register").handler(json).handler(body).handler(tokens::register);
    router.post("/api/v1/invite").handler(json).handler(body).handler(invites::create);
    router.post("/api/v1/invite/:code").handler(json).handler(invites::redeem);
    router.get("/api/v1/pair/:token/link").handler(pairing::link);
    router.get("/api/v1/pair/:token/qr.svg").handler(ctx -> pairing.qr(ctx, false));
    router.get("/api/v1/pair/:token/qr.png").handler(ctx -> pairing.qr(ctx, true));
    router.get("/api/stats").handler(this::stats);
    router.post("/api/v1/admin/session").handler(adminKeyOnly).handler(dashboard::openSession);
    router.delete("/api/v1/admin/session").handler(dashboard::closeSession);
    router.get("/api/v1/admin/live").handler(admin).handler(dashboard::live);
    router.get("/api/v1/admin/logs").handler(admin).handler(dashboard::logs);
    router.get("/").handler(ctx -> ctx.redirect("/dashboard"));
    router.get("/dashboard").handler(ctx -> page(ctx, "dashboard.html"));
    router.get("/chat").handler(ctx -> page(ctx, "chat.html"));
    router.get("/health").handler(this::health);
    router.get("/health/live").handler(ctx -> TokenApi.json(ctx, 200, new JsonObject().put("status", "live")));
    router.get("/health/ready").handler(ctx -> deps.state().readinessProblems().onComplete(ar -> {
      var problems = ar.succeeded() ? ar.result() : java.util.List.of("readiness check failed");
      TokenApi.json(ctx, problems.isEmpty() ? 200 : 503, new JsonObject()
          .put("status", problems.isEmpty() ? "ready" : "not ready")
          .put("problems", new io.vertx.core.json.JsonArray(problems)));
    }));
    if (deps.config().metrics().port() == 0) metricsRoute(router);

    router.errorHandler(404, ctx -> ApiError.notFound(ctx, "no such route: " + ctx.request().path()));
    router.errorHandler(405, ctx -> ApiError.send(ctx, 405, "METHOD_NOT_ALLOWED",
        ctx.request().method() + " is not supported on " + ctx.request().path()));
    router.errorHandler(413, ctx -> ApiError.send(ctx, 413, "REQUEST_TOO_LARGE",
        "request bodies are limited to " + MAX_BODY_BYTES + " bytes"));
    router.errorHandler(400, ctx -> ApiError.badRequest(ctx, "malformed request"));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() != null) LOG.log(Level.WARNING, "request failed: " + ctx.request().method(), ctx.failure());
      ApiError.internal(ctx);
    });
    return router;
  }

  /** A router serving only {@code /metrics}, for {@code metrics.port}. */
  public Router metricsRouter() {
    Router r = Router.router(vertx);
    metricsRoute(r);
    return r;
  }

  /** A page from src/main/resources/web, read once. */
  private static final java.util.Map<String, String> PAGES = new java.util.concurrent.ConcurrentHashMap<>();

  private static void page(RoutingContext ctx, String name) {
    String html = PAGES.computeIfAbsent(name, n -> {
      try (var in = HttpApi.class.getResourceAsStream("/web/" + n)) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (Exception e) {
        throw new IllegalStateException("missing page " + n, e);
      }
    });
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:")
        .putHeader("X-Content-Type-Options", "nosniff").end(html);
  }

  /** GET /api/stats: public aggregate figures over the whole cluster, nothing per token. */
  private void stats(RoutingContext ctx) {
    deps.pairedSessions().onComplete(ar -> {
      var m = deps.metrics();
      JsonObject total = deps.figures().total(); // every node's latest figures, summed
      TokenApi.json(ctx, 200, new JsonObject()
          .put("connections", total.getLong("phone") + total.getLong("agent"))
          .put("paired_sessions", ar.succeeded() ? ar.result() : null)
          .put("messages_per_s", total.getDouble("messages_per_s"))
          .put("bytes_per_s", total.getDouble("bytes_per_s"))
          .put("nodes", m.clusterMembers())
          .put("uptime_s", (System.currentTimeMillis() - deps.startedAtMillis()) / 1000));
    });
  }

  /** GET /metrics: Prometheus text format; behind the admin key unless {@code metrics.open}. */
  private void metricsRoute(Router router) {
    var route = router.get("/metrics");
    if (!deps.config().metrics().open()) route.handler(adminKeyOnly);
    route.handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(deps.metrics().scrape()));
  }

  private void health(RoutingContext ctx) {
    deps.pairedSessions().onComplete(ar -> {
      var m = deps.metrics();
      JsonObject out = new JsonObject()
          .put("status", "ok")
          .put("mode", deps.clustered() ? "cluster" : "standalone")
          .put("node", deps.nodeId())
          .put("uptime_s", (System.currentTimeMillis() - deps.startedAtMillis()) / 1000)
          .put("connections", new JsonObject()
              .put("sockets", m.sockets())
              .put("phone", m.connections(Role.PHONE))
              .put("agent", m.connections(Role.AGENT)))
          .put("paired_sessions", ar.succeeded() ? ar.result() : null)
          .mergeIn(m.toJson());
      TokenApi.json(ctx, 200, out);
    });
  }
}
