package dev.coralmux.relay.cli;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.http.PairingLink;
import dev.coralmux.relay.node.HostAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The startup lines that tell a person which URLs a phone can open: {@code public_url} if set, else
 * this host's addresses, each with its {@code /chat} and {@code /dashboard}, and plainly whether a
 * phone browser can use {@code /chat} there (its encryption needs a secure context: https, or
 * localhost on the same machine; a LAN address over http is neither).
 */
final class PhoneUrls {
  /** More addresses than this (container bridges, VPNs) are counted, not listed: a few lines, not a page. */
  private static final int MAX_LISTED = 4;
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

  private PhoneUrls() {}

  /**
   * @param addresses this host's non-loopback addresses, best first ({@link HostAddresses#forUrls()})
   * @param fingerprint the self-signed certificate's SHA-256 fingerprint, or null
   */
  static List<String> lines(RelayConfig cfg, int port, List<InetAddress> addresses, String fingerprint) {
    List<String> lines = new ArrayList<>();
    if (!cfg.publicUrl().isEmpty()) {
      String base = httpBase(cfg.publicUrl());
      lines.add("for phones (public_url): chat " + base + "/chat · dashboard " + base + "/dashboard");
      if (base.startsWith("http://")) {
        lines.add("  a phone browser cannot use that /chat: plain http is not a secure context (only https or localhost is); "
            + "put the relay behind HTTPS and make public_url https");
      }
      return lines;
    }
    String scheme = cfg.tls().enabled() ? "https" : "http";
    String local = scheme + "://localhost:" + port + "/chat";
    boolean everywhere = Set.of("0.0.0.0", "::", "[::]").contains(cfg.host());
    List<String> hosts = new ArrayList<>();
    if (cfg.tls().mode().equals("acme")) hosts.addAll(cfg.tls().acme().domains());
    else if (everywhere) addresses.forEach(a -> hosts.add(HostAddresses.urlHost(a)));
    else if (!LOOPBACK.contains(cfg.host())) hosts.add(cfg.host().contains(":") && !cfg.host().startsWith("[") ? "[" + cfg.host() + "]" : cfg.host());
    if (hosts.isEmpty()) {
      lines.add("for phones: none can reach it (" + (everywhere ? "this host has no address but loopback"
          : "bound to " + cfg.host() + " only; set host to 0.0.0.0") + "); on this machine: " + local);
      return lines;
    }
    for (String h : hosts.subList(0, Math.min(MAX_LISTED, hosts.size()))) {
      String base = scheme + "://" + h + ":" + port;
      lines.add("for phones: chat " + base + "/chat · dashboard " + base + "/dashboard");
    }
    if (hosts.size() > MAX_LISTED) lines.add("  (and " + (hosts.size() - MAX_LISTED) + " more addresses of this host)");
    if (fingerprint != null) {
      lines.add("  a phone browser can use these /chat URLs once it accepts the self-signed certificate; "
          + "check that it shows SHA-256 fingerprint " + fingerprint);
    } else if (cfg.tls().enabled()) {
      lines.add("  a phone browser can use these /chat URLs (https) where the certificate covers the name");
    } else {
      lines.add("  a phone browser cannot use these for /chat: plain http is a secure context only on localhost (" + local
          + " here); for phones set tls.mode \"self-signed\", or put the relay behind HTTPS and set public_url");
    }
    return lines;
  }

  /**
   * The self-signed certificate's fingerprint as a terminal QR code of {@code SHA-256 AB:CD:…}: a
   * phone scans it and compares it with what its browser shows; {@code --cert-sha256} takes the
   * same text. Text output only (a QR code is no log line).
   */
  static List<String> fingerprintQr(String fingerprint) {
    List<String> lines = new ArrayList<>();
    lines.add("  the certificate's SHA-256 fingerprint as a QR code (a phone scans it to compare; --cert-sha256 takes it too):");
    PairingLink.terminal(qrText(fingerprint)).lines().forEach(lines::add);
    return lines;
  }

  /** What the fingerprint QR code holds. */
  static String qrText(String fingerprint) {
    return "SHA-256 " + fingerprint;
  }

  /** public_url as the web pages' base: ws(s) to http(s), without a trailing "/" or "/ws". */
  static String httpBase(String publicUrl) {
    String u = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    if (u.endsWith("/ws")) u = u.substring(0, u.length() - 3);
    if (u.startsWith("ws://")) return "http://" + u.substring(5);
    if (u.startsWith("wss://")) return "https://" + u.substring(6);
    return u;
  }
}
