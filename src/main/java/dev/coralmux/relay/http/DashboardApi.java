package dev.coralmux.relay.http;

import dev.coralmux.relay.admin.AdminSessions;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.logging.LogFeed;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.store.TokenRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What the live dashboard reads: a session for the page, a once-a-second figures stream, the cluster's log stream. */
final class DashboardApi {
  private static final int BUSIEST = 10;
  private final Vertx vertx;
  private final HttpDependencies deps;
  private final AdminSessions sessions;

  DashboardApi(Vertx vertx, HttpDependencies deps) {
    this.vertx = vertx;
    this.deps = deps;
    this.sessions = deps.sessions();
  }

  /** POST /api/v1/admin/session (X-Admin-Key): a short-lived session, as JSON and as the HttpOnly cookie. */
  void openSession(RoutingContext ctx) {
    sessions.open().onSuccess(id -> {
      ctx.response().addCookie(SessionCookie.of(ctx, id, AdminSessions.TTL_MS / 1000));
      TokenApi.json(ctx, 201, new JsonObject().put("session", id).put("expires_in_s", AdminSessions.TTL_MS / 1000));
    }).onFailure(e -> ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot open a session right now; try again"));
  }

  /**
   * DELETE /api/v1/admin/session: ends the presented session on every node (its streams close within
   * a second), clears the cookie. 503 if the session store did not answer: the logout did not happen.
   */
  void closeSession(RoutingContext ctx) {
    sessions.close(SessionCookie.presented(ctx))
        .onSuccess(v -> ctx.response().addCookie(SessionCookie.of(ctx, "", 0)).setStatusCode(204).end())
        .onFailure(e -> ApiError.send(ctx, 503, "SERVICE_UNAVAILABLE", "cannot end the session right now; try again"));
  }

  /** GET /api/v1/admin/live: server-sent events, one {@code stats} object per second, while the session lasts. */
  void live(RoutingContext ctx) {
    HttpServerResponse res = sse(ctx);
    long timer = whileSessionLasts(ctx.get(AdminAuth.SESSION), res, () -> snapshot().onSuccess(s -> {
      if (!res.closed() && !res.ended() && !res.writeQueueFull()) res.write("event: stats\ndata: " + s.encode() + "\n\n");
    }));
    snapshot().onSuccess(s -> res.write("event: stats\ndata: " + s.encode() + "\n\n"));
    res.closeHandler(v -> vertx.cancelTimer(timer));
  }

  /**
   * GET /api/v1/admin/logs: server-sent events, one log line each, from every node of the cluster
   * (each line names its node; never payloads, tokens by id only). A reader too slow for the lines
   * misses some, and is told how many.
   */
  void logs(RoutingContext ctx) {
    HttpServerResponse res = sse(ctx);
    Context context = vertx.getOrCreateContext();
    long[] skipped = {0};
    Runnable unsubscribe = deps.logs().subscribe(lines -> context.runOnContext(v -> write(res, lines, skipped)));
    res.write(": connected\n\n");
    // A comment now and then: a quiet stream must not look idle to the server's write-idle cut.
    long keepAlive = vertx.setPeriodic(Math.max(50, deps.config().websocket().heartbeatIntervalMs() / 2),
        t -> {
          if (!res.ended()) res.write(": keep-alive\n\n");
        });
    long check = whileSessionLasts(ctx.get(AdminAuth.SESSION), res, () -> { });
    Handler<Void> cleanup = v -> {
      unsubscribe.run();
      vertx.cancelTimer(keepAlive);
      vertx.cancelTimer(check);
    };
    res.closeHandler(cleanup); // the client left
    res.endHandler(cleanup); // the session ended
  }

  private void write(HttpServerResponse res, List<String> lines, long[] skipped) {
    if (res.closed() || res.ended()) return;
    for (String line : lines) {
      if (res.writeQueueFull()) {
        skipped[0]++;
        continue;
      }
      if (skipped[0] > 0) {
        deps.metrics().logLinesDropped(skipped[0]);
        String notice = LogFeed.notice(deps.nodeId(), skipped[0] + " log lines skipped: this stream was read too slowly");
        res.write("event: log\ndata: " + notice + "\n\n");
        skipped[0] = 0;
      }
      res.write("event: log\ndata: " + line + "\n\n");
    }
  }

  /**
   * Every second, while the client stays: runs {@code tick} as long as the stream's session is live
   * (in the shared store, so a logout on any node counts), and ends the stream once it is not.
   * Streams opened with the admin key itself have no session and last until the client leaves. A
   * check the store did not answer ends nothing (an outage is not a logout). Returns the timer.
   */
  private long whileSessionLasts(String session, HttpServerResponse res, Runnable tick) {
    boolean[] checking = {false};
    return vertx.setPeriodic(1_000, t -> {
      if (res.closed() || res.ended()) {
        vertx.cancelTimer(t);
        return;
      }
      if (session == null) {
        tick.run();
        return;
      }
      if (checking[0]) return; // the last check is still out: never more than one per stream
      checking[0] = true;
      sessions.valid(session).onComplete(ar -> {
        checking[0] = false;
        if (res.closed() || res.ended()) return;
        if (ar.succeeded() && !ar.result()) {
          vertx.cancelTimer(t);
          res.end("event: end\ndata: {\"reason\":\"session ended\"}\n\n");
        } else {
          tick.run();
        }
      });
    });
  }

  private static HttpServerResponse sse(RoutingContext ctx) {
    return ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
  }

  Future<JsonObject> snapshot() {
    var m = deps.metrics();
    JsonObject undelivered = new JsonObject();
    for (DropReason r : DropReason.values()) undelivered.put(r.name().toLowerCase(), m.undeliveredCount(r));
    return Future.all(deps.pairedSessions(), busiest()).map(f -> new JsonObject()
        .put("node", deps.nodeId())
        .put("nodes", m.clusterMembers())
        .put("connections", new JsonObject().put("phone", m.connections(Role.PHONE)).put("agent", m.connections(Role.AGENT)))
        .put("paired_sessions", f.resultAt(0))
        .put("messages_per_s", m.messagesPerSecond())
        .put("bytes_per_s", m.bytesPerSecond())
        .put("undelivered", undelivered)
        .put("rejections", new JsonObject()
            .put("rate_limited", m.undeliveredCount(DropReason.RATE_LIMITED))
            .put("daily_quota", m.undeliveredCount(DropReason.DAILY_QUOTA_EXCEEDED))
            .put("monthly_quota", m.undeliveredCount(DropReason.MONTHLY_QUOTA_EXCEEDED)))
        .put("busiest", f.resultAt(1))
        .put("per_node", deps.figures().perNode())
        .put("total", deps.figures().total()));
  }

  /** The tokens that used the most bytes today, by id, with their quota and who is online. */
  private Future<JsonArray> busiest() {
    return deps.store().list().compose(records -> {
      List<Future<JsonObject>> rows = new ArrayList<>();
      for (TokenRecord r : records) {
        Limits l = deps.config().limits().with(r.overrides());
        rows.add(Future.all(deps.limiter().usage(r.hash()), deps.presence().locate(r.hash(), Role.PHONE),
            deps.presence().locate(r.hash(), Role.AGENT)).map(f -> new JsonObject()
            .put("id", r.id()).put("label", r.label())
            .put("daily_used_bytes", ((dev.coralmux.relay.limits.Usage) f.resultAt(0)).dailyUsedBytes())
            .put("daily_quota_bytes", l.dailyBytes())
            .put("phone", f.resultAt(1) != null).put("agent", f.resultAt(2) != null)));
      }
      return Future.all(rows).map(f -> {
        List<JsonObject> all = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) all.add(f.resultAt(i));
        all.sort(Comparator.comparingLong((JsonObject o) -> o.getLong("daily_used_bytes")).reversed()
            .thenComparing(o -> !(o.getBoolean("phone") || o.getBoolean("agent"))));
        return new JsonArray(all.subList(0, Math.min(BUSIEST, all.size())));
      });
    });
  }
}
