package dev.coralmux.relay.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** HTTP errors as JSON {@code {code, message}} with the matching status; never a stack trace. */
final class ApiError {
  private ApiError() {}

  static void send(RoutingContext ctx, int status, String code, String message) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", code).put("message", message).encode());
  }

  static void badRequest(RoutingContext ctx, String message) {
    send(ctx, 400, "INVALID_REQUEST", message);
  }

  static void notFound(RoutingContext ctx, String message) {
    send(ctx, 404, "NOT_FOUND", message);
  }

  static void internal(RoutingContext ctx) {
    send(ctx, 500, "INTERNAL_ERROR", "the relay could not complete the request; see its log");
  }
}
