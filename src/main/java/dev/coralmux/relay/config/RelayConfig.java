package dev.coralmux.relay.config;

import dev.coralmux.relay.limits.Limits;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole relay configuration, read once from {@code conf/relay.json} plus environment
 * overrides (see {@link ConfigLoader}); {@code docs/configuration.md} lists every key.
 */
public record RelayConfig(
    String host,
    int port,
    String publicUrl,
    Path dataDir,
    String adminKey,
    int eventLoops,
    Limits limits,
    WebSocket websocket,
    long flushIntervalMs,
    Registration registration,
    long drainMs,
    Metrics metrics,
    String logFormat,
    Tls tls,
    Invite invite,
    Admin admin,
    String onLimiterError,
    History history) {

  /** {@code limits.on_limiter_error}: what a failed limit check decides. */
  public static final String ALLOW = "allow";
  public static final String REFUSE = "refuse";

  /**
   * Invite codes.
   *
   * @param failuresPerIp failed redemptions allowed per client IP per 10 minutes
   * @param maxLivePerToken live invites one token may hold; a newer one replaces the oldest
   * @param creationsPerIpPerHour invites one client IP may ask for per hour
   * @param secret keys the code hashes and the sealing (empty: {@code data_dir/invite.secret})
   */
  public record Invite(long ttlMs, int failuresPerIp, int maxLivePerToken, int creationsPerIpPerHour, String secret) {}

  /**
   * Reliable delivery's history (RELIABLE-DELIVERY.md): kept per token and direction, bounded by the
   * token's {@code history_messages}/{@code history_bytes} limits and by age.
   */
  public record History(boolean enabled, long ttlMs) {}

  /** The admin API: wrong keys allowed per client IP per 10 minutes before every admin call from it gets 429. */
  public record Admin(int failuresPerIp) {}

  /**
   * TLS on the relay itself. {@code mode} "off" (behind an ingress or load balancer that
   * terminates TLS), "pem" (certificate and key files, reloaded when they change) or "acme"
   * (certificates obtained and renewed by the relay; kept as PEM files in the data directory) or
   * "self-signed" (a certificate the relay makes for its LAN addresses plus {@code selfSignedNames}).
   */
  public record Tls(String mode, String certFile, String keyFile, long reloadCheckMs, Acme acme,
                    List<String> selfSignedNames) {
    public static final String SELF_SIGNED = "self-signed";

    public boolean enabled() {
      return !mode.equals("off");
    }
  }

  /**
   * Automatic certificates over ACME (HTTP-01).
   *
   * @param directory the ACME directory URL (Let's Encrypt by default)
   * @param httpPort where the HTTP-01 challenge listener runs (the CA connects to port 80 of each domain)
   * @param caFile a PEM CA certificate to trust for the ACME server itself (private CAs, tests); empty: the JDK's
   */
  public record Acme(String directory, List<String> domains, String email, int httpPort, String caFile,
                     int renewBeforeDays, long checkIntervalMs) {}

  /** Prometheus {@code /metrics}: behind the admin key unless {@code open}; on its own port if {@code port} > 0. */
  public record Metrics(boolean open, int port) {}

  /**
   * WebSocket edge settings.
   *
   * @param closeGraceMs after a close frame, how long a client gets before its TCP connection is cut
   * @param maxPendingDecisions limit checks one connection may have in flight before its socket is paused
   * @param maxPendingDecisionBytes bytes the messages waiting for those checks may hold before the pause
   * @param maxHeldDeliveries messages held for a connection still completing its auth
   * @param compression whether permessage-deflate may be negotiated
   * @param maxAuthMessageBytes the largest first (auth) message
   * @param unauthenticatedPerIp sockets one client IP may hold open before authenticating
   */
  public record WebSocket(long authTimeoutMs, long heartbeatIntervalMs, long sendQueueBytes,
                          long slowConsumerTimeoutMs, long hardMaxMessageBytes, long closeGraceMs,
                          int maxPendingDecisions, long maxPendingDecisionBytes, int maxHeldDeliveries,
                          boolean compression, long maxAuthMessageBytes, int unauthenticatedPerIp) {}

  /** Self-service token registration ({@code POST /api/v1/register}). */
  public record Registration(boolean enabled, int perIpPerHour, List<String> trustedProxies) {}

  /** Event-loop verticles to run: the configured number, or one per core. */
  public int edgeInstances() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }
}
