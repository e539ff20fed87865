package dev.coralmux.relay.cli;

import picocli.CommandLine.Option;

/** Options every client command shares: which relay, and which credentials. */
final class RelayOptions {
  @Option(names = "--relay", paramLabel = "URL", defaultValue = "${env:RELAY_URL:-http://127.0.0.1:8080}",
      description = "The relay's base URL (env RELAY_URL; default ${DEFAULT-VALUE}).")
  String relay;

  String base() {
    return relay.endsWith("/") ? relay.substring(0, relay.length() - 1) : relay;
  }
}
