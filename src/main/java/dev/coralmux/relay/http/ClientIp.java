package dev.coralmux.relay.http;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The client's IP: the direct peer, or the X-Forwarded-For client when the peer is a trusted proxy. */
final class ClientIp {
  private final List<String> trustedProxies;

  ClientIp(List<String> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  String of(RoutingContext ctx) {
    String direct = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded == null || !trustedProxies.contains(direct)) return direct;
    // The last entry is the one our trusted proxy added; earlier ones are client-supplied.
    String[] hops = forwarded.split(",");
    String last = hops[hops.length - 1].trim();
    return last.isEmpty() ? direct : last;
  }
}
