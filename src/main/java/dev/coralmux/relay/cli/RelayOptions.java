package dev.coralmux.relay.cli;

import picocli.CommandLine.Option;

/** Options every client command shares: which relay, and which credentials. */
final class RelayOptions {
  @Option(names = "--relay", paramLabel = "URL", defaultValue = "${env:RELAY_URL:-http://127.0.0.1:8080}",
      description = "The relay's base URL (env RELAY_URL; default ${DEFAULT-VALUE}).")
  String relay;

  /**
   * The relay's HTTP base URL. The WebSocket URL the banner prints ({@code ws://host:8080/ws}) is
   * accepted too: people paste what they were shown.
   */
  String base() {
    String u = relay.trim();
    if (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    if (u.endsWith("/ws")) u = u.substring(0, u.length() - 3);
    if (u.startsWith("ws://")) u = "http://" + u.substring(5);
    else if (u.startsWith("wss://")) u = "https://" + u.substring(6);
    return u;
  }
}
