package dev.coralmux.relay.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The base URL pairing links point at. A link hands a token to a phone, so it must never be built
 * from what a stranger can set: the Host header of a request from anywhere would let
 * {@code Host: evil.example.com} send phones, token and all, elsewhere. So, in this order:
 * {@code public_url}; else a trusted proxy's {@code X-Forwarded-Proto}/{@code -Host} (its own Host
 * and scheme where it sets none); else, for a loopback peer only (the operator on the relay's own
 * machine), the request's scheme and Host — or, in {@code tls.mode "self-signed"}, https and this
 * host's LAN address (from its own interfaces, never from a header) with the Host's port, since a
 * phone cannot reach loopback; else a refusal naming {@code public_url}.
 */
final class LinkBase {
  /**
   * What one request says about how it reached the relay.
   *
   * @param peer the direct peer's IP address as text
   * @param tls whether the request arrived over TLS
   * @param host the Host header (or HTTP/2 authority); null when absent
   * @param forwardedProto X-Forwarded-Proto, null when absent
   * @param forwardedHost X-Forwarded-Host, null when absent
   */
  record Request(String peer, boolean tls, String host, String forwardedProto, String forwardedHost) {}

  /** A base URL ({@code http(s)://host[:port]}) or why none can be trusted. */
  sealed interface Decision permits Base, Refused {}

  record Base(String url) implements Decision {}

  record Refused(String message) implements Decision {}

  /** host or [IPv6] with an optional port; nothing that could add a path, user info or a second URL. */
  private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final String publicUrl;
  private final List<String> trustedProxies;
  private final String lanHost;

  LinkBase(String publicUrl, List<String> trustedProxies) {
    this(publicUrl, trustedProxies, null);
  }

  /** @param lanHost this host's LAN address as a URL host, for loopback requests in self-signed mode; null: none */
  LinkBase(String publicUrl, List<String> trustedProxies, String lanHost) {
    this.publicUrl = publicUrl == null ? "" : publicUrl;
    this.trustedProxies = List.copyOf(trustedProxies);
    this.lanHost = lanHost;
  }

  Decision decide(Request r) {
    if (!publicUrl.isEmpty()) return new Base(publicUrl);
    if (trustedProxies.contains(r.peer())) {
      String proto = r.forwardedProto() == null ? (r.tls() ? "https" : "http") : last(r.forwardedProto()).toLowerCase(Locale.ROOT);
      String host = r.forwardedHost() == null ? r.host() : last(r.forwardedHost());
      if (!proto.equals("http") && !proto.equals("https")) {
        return new Refused("the trusted proxy sent X-Forwarded-Proto \"" + proto + "\" (expected http or https); "
            + "set public_url to the relay's public base URL");
      }
      return fromHost(proto, host, "X-Forwarded-Host or Host from the trusted proxy");
    }
    if (isLoopback(r.peer()) && lanHost != null && r.host() != null) {
      var m = HOST.matcher(r.host());
      if (m.matches()) return new Base("https://" + lanHost + (m.group(2) == null ? "" : m.group(2)));
    }
    if (isLoopback(r.peer())) return fromHost(r.tls() ? "https" : "http", r.host(), "Host header");
    return new Refused("cannot build a pairing link: public_url is not set, and this request came neither from "
        + "loopback nor from a trusted proxy (registration.trusted_proxies), so its Host header cannot be trusted; "
        + "set public_url (env RELAY_PUBLIC_URL) to the relay's public base URL, e.g. https://relay.example.com");
  }

  private static Decision fromHost(String scheme, String host, String what) {
    if (host == null || !HOST.matcher(host).matches()) {
      return new Refused("the request's " + what + " is missing or not a host name; set public_url to the relay's public base URL");
    }
    return new Base(scheme + "://" + host);
  }

  /** A proxy appends to a list; the last entry is the one our trusted direct peer added (as in ClientIp). */
  private static String last(String header) {
    String[] parts = header.split(",");
    return parts[parts.length - 1].trim();
  }

  /** Whether an IP literal is a loopback address. Literals only: never a DNS lookup (this runs on an event loop). */
  static boolean isLoopback(String ip) {
    if (ip == null || !(IPV4.matcher(ip).matches() || IPV6.matcher(ip).matches())) return false;
    try {
      return InetAddress.getByName(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
