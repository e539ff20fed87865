package dev.coralmux.relay.node;

import java.util.List;

/**
 * Which IP a request comes from: the direct peer, or — only when that peer is a configured
 * trusted proxy (the load balancer) — the client its {@code X-Forwarded-For} names. Anyone else's
 * {@code X-Forwarded-For} is ignored, so a client cannot pick its own address to dodge a limit.
 */
public final class ClientAddress {
  private ClientAddress() {}

  public static String resolve(String direct, String forwardedFor, List<String> trustedProxies) {
    if (direct == null) direct = "unknown";
    if (forwardedFor == null || !trustedProxies.contains(direct)) return direct;
    // The last entry is the one our trusted proxy added; earlier ones are client-supplied.
    String[] hops = forwardedFor.split(",");
    String last = hops[hops.length - 1].trim();
    return last.isEmpty() ? direct : last;
  }
}
