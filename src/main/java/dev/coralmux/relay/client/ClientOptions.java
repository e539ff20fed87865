package dev.coralmux.relay.client;

import dev.coralmux.relay.protocol.Role;
import java.time.Duration;

/**
 * How a {@link RelayClient} connects.
 *
 * @param url the relay's WebSocket URL ({@code ws://host:8080/ws}); an {@code http(s)://} base URL
 *     is accepted too and turned into its {@code /ws} endpoint
 * @param e2e end-to-end encryption: payloads are encrypted before they leave, and nothing is sent
 *     in plaintext while no key is agreed
 * @param pingInterval app-level {@code ping} period (the protocol's 30 s)
 * @param pongTimeout a missing {@code pong} after this long means the connection is dead (10 s)
 * @param backoffInitial first reconnect delay; doubles (with jitter) up to {@code backoffMax}
 * @param streamInterval a {@link ReplyStream} sends at most one {@code chat.stream} per interval (50 ms)
 * @param reliable reliable delivery (on by default): ask the relay for {@code resume} and
 *     {@code acks}, keep the E2E key pair for the client's life, resend what the relay has not
 *     acked after a reconnect; off, the client speaks v1 exactly (fresh keys per connection)
 * @param trustedCertificateSha256 null: a {@code wss://} relay's certificate is checked against the
 *     JVM's trust store (and its host name); else the SHA-256 fingerprint of the one certificate
 *     trusted (a self-signed relay's, as it prints it at startup), see {@link CertificatePin}
 */
public record ClientOptions(String url, String token, Role role, boolean e2e, Duration pingInterval,
                            Duration pongTimeout, Duration backoffInitial, Duration backoffMax,
                            Duration streamInterval, boolean reliable, String trustedCertificateSha256) {

  public ClientOptions {
    if (trustedCertificateSha256 != null) CertificatePin.of(trustedCertificateSha256); // refused now, not at connect
  }

  /** The options without a certificate pin (the JVM's trust store), as before it existed. */
  public ClientOptions(String url, String token, Role role, boolean e2e, Duration pingInterval, Duration pongTimeout,
                       Duration backoffInitial, Duration backoffMax, Duration streamInterval, boolean reliable) {
    this(url, token, role, e2e, pingInterval, pongTimeout, backoffInitial, backoffMax, streamInterval, reliable, null);
  }

  /** The options without {@code reliable} (on), as before it existed. */
  public ClientOptions(String url, String token, Role role, boolean e2e, Duration pingInterval, Duration pongTimeout,
                       Duration backoffInitial, Duration backoffMax, Duration streamInterval) {
    this(url, token, role, e2e, pingInterval, pongTimeout, backoffInitial, backoffMax, streamInterval, true, null);
  }

  public static ClientOptions of(String url, String token, Role role) {
    return new ClientOptions(url, token, role, true, Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMillis(50), true, null);
  }

  public ClientOptions withE2e(boolean on) {
    return new ClientOptions(url, token, role, on, pingInterval, pongTimeout, backoffInitial, backoffMax, streamInterval,
        reliable, trustedCertificateSha256);
  }

  public ClientOptions withHeartbeat(Duration interval, Duration timeout) {
    return new ClientOptions(url, token, role, e2e, interval, timeout, backoffInitial, backoffMax, streamInterval,
        reliable, trustedCertificateSha256);
  }

  public ClientOptions withBackoff(Duration initial, Duration max) {
    return new ClientOptions(url, token, role, e2e, pingInterval, pongTimeout, initial, max, streamInterval,
        reliable, trustedCertificateSha256);
  }

  public ClientOptions withStreamInterval(Duration interval) {
    return new ClientOptions(url, token, role, e2e, pingInterval, pongTimeout, backoffInitial, backoffMax, interval,
        reliable, trustedCertificateSha256);
  }

  /** Reliable delivery on (the default) or off (v1 exactly). */
  public ClientOptions withReliable(boolean on) {
    return new ClientOptions(url, token, role, e2e, pingInterval, pongTimeout, backoffInitial, backoffMax, streamInterval,
        on, trustedCertificateSha256);
  }

  /**
   * Trust exactly the relay certificate with this SHA-256 fingerprint ({@code AB:CD:…} or plain
   * hex; what a relay in {@code tls.mode "self-signed"} prints at startup) and nothing else; its
   * host names are then not checked. Null: the JVM's trust store, as by default.
   *
   * @throws IllegalArgumentException if {@code hex} is not a SHA-256 fingerprint
   */
  public ClientOptions withTrustedCertificateSha256(String hex) {
    return new ClientOptions(url, token, role, e2e, pingInterval, pongTimeout, backoffInitial, backoffMax, streamInterval,
        reliable, hex);
  }

  /** The WebSocket endpoint for {@link #url()}. */
  public String webSocketUrl() {
    String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (u.startsWith("http://")) u = "ws://" + u.substring(7);
    else if (u.startsWith("https://")) u = "wss://" + u.substring(8);
    return u.endsWith("/ws") ? u : u + "/ws";
  }
}
