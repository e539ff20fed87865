package dev.coralmux.relay.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Locale;

/**
 * Refuses (415) a POST whose body is not declared {@code application/json}. A browser form or a
 * {@code text/plain} fetch can be sent cross-site without a preflight; a JSON one cannot. A request
 * with no body and no Content-Type (e.g. {@code curl -X POST}) passes. A platform handler, so
 * Vert.x Web lets it run before the body is read.
 */
final class JsonContent implements PlatformHandler {
  static final JsonContent REQUIRED = new JsonContent();

  private JsonContent() {}

  @Override
  public void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null ? !hasBody(ctx) : type.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
      ctx.next();
      return;
    }
    ApiError.send(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON, with Content-Type: application/json");
  }

  private static boolean hasBody(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    return ctx.request().getHeader("Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
  }
}
