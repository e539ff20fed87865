package dev.coralmux.relay.http;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.node.HostAddresses;
import dev.coralmux.relay.store.TokenStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Pairing links for a valid token (knowing the token is the credential): as JSON, for the CLI's
 * {@code token create --qr}, and as QR codes. Where the link points is decided by {@link LinkBase}.
 */
final class PairingApi {
  private final Vertx vertx;
  private final TokenStore store;
  private final LinkBase bases;

  PairingApi(Vertx vertx, RelayConfig config, TokenStore store) {
    this.vertx = vertx;
    this.store = store;
    // Built on the starting thread (HttpApi is made before any verticle), so listing interfaces may block.
    String lanHost = config.tls().mode().equals(RelayConfig.Tls.SELF_SIGNED)
        ? HostAddresses.forUrls().stream().findFirst().map(HostAddresses::urlHost).orElse(null) : null;
    this.bases = new LinkBase(config.publicUrl(), config.registration().trustedProxies(), lanHost);
  }

  /** GET /api/v1/pair/{token}/link: {"link", "relay", "chat"}. */
  void link(RoutingContext ctx) {
    withLink(ctx, (link, relay, chat) -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      TokenApi.json(ctx, 200, new JsonObject().put("link", link).put("relay", relay).put("chat", chat));
    });
  }

  /** GET /api/v1/pair/{token}/qr.svg and qr.png; {@code ?for=chat}: the browser phone's link instead of the app's. */
  void qr(RoutingContext ctx, boolean png) {
    boolean forChat = "chat".equals(ctx.request().getParam("for"));
    withLink(ctx, (appLink, relay, chat) -> {
      String link = forChat ? chat : appLink;
      ctx.response().putHeader("Cache-Control", "no-store");
      if (!png) {
        ctx.response().putHeader("Content-Type", "image/svg+xml").end(PairingLink.svg(link));
        return;
      }
      vertx.executeBlocking(() -> PairingLink.png(link), false) // image encoding off the event loop
          .onSuccess(bytes -> ctx.response().putHeader("Content-Type", "image/png").end(Buffer.buffer(bytes)))
          .onFailure(e -> ApiError.internal(ctx));
    });
  }

  private interface LinkHandler {
    void handle(String appLink, String relayUrl, String chatLink);
  }

  private void withLink(RoutingContext ctx, LinkHandler then) {
    // Decided before the token is looked up: a refused request costs no store lookup and learns nothing about tokens.
    LinkBase.Decision d = bases.decide(requestOf(ctx));
    if (d instanceof LinkBase.Refused refused) {
      ApiError.send(ctx, 409, "PUBLIC_URL_REQUIRED", refused.message());
      return;
    }
    String base = ((LinkBase.Base) d).url();
    String token = ctx.pathParam("token");
    LiveToken.find(ctx, store, token, r -> {
      String relay = PairingLink.webSocketUrl(base);
      then.handle(PairingLink.of(relay, token), relay, PairingLink.chat(base, token));
    });
  }

  private static LinkBase.Request requestOf(RoutingContext ctx) {
    var req = ctx.request();
    String peer = req.remoteAddress() == null ? "" : req.remoteAddress().host();
    String host = req.authority() == null ? req.getHeader("Host") : req.authority().toString();
    return new LinkBase.Request(peer, req.isSSL(), host, req.getHeader("X-Forwarded-Proto"), req.getHeader("X-Forwarded-Host"));
  }
}
