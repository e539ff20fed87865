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
    Tls tls) {

  /**
   * TLS on the relay itself. {@code mode} "off" (behind an ingress or load balancer that
   * terminates TLS) or "pem" (certificate and key files, reloaded when they change).
   */
  public record Tls(String mode, String certFile, String keyFile, long reloadCheckMs) {
    public boolean enabled() {
      return mode.equals("pem");
    }
  }

  /** Prometheus {@code /metrics}: behind the admin key unless {@code open}; on its own port if {@code port} > 0. */
  public record Metrics(boolean open, int port) {}

  /** WebSocket edge settings. */
  public record WebSocket(long authTimeoutMs, long heartbeatIntervalMs, long sendQueueBytes,
                          long slowConsumerTimeoutMs, long hardMaxMessageBytes) {}

  /** Self-service token registration ({@code POST /api/v1/register}). */
  public record Registration(boolean enabled, int perIpPerHour, List<String> trustedProxies) {}

  /** Event-loop verticles to run: the configured number, or one per core. */
  public int edgeInstances() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }
}
