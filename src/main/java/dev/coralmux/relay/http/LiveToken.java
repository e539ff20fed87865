package dev.coralmux.relay.http;

import dev.coralmux.relay.store.TokenRecord;
import dev.coralmux.relay.store.TokenStore;
import dev.coralmux.relay.store.Tokens;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/** The one way a route finds the token a request names: a token that is malformed, unknown or expired is a 404. */
final class LiveToken {
  private LiveToken() {}

  static void find(RoutingContext ctx, TokenStore store, String token, Consumer<TokenRecord> then) {
    if (!Tokens.wellFormed(token)) {
      ApiError.notFound(ctx, "no such token");
      return;
    }
    store.find(Tokens.hash(token)).onSuccess(r -> {
      if (r == null || r.expired(System.currentTimeMillis())) ApiError.notFound(ctx, "no such token");
      else then.accept(r);
    }).onFailure(e -> ApiError.internal(ctx));
  }
}
