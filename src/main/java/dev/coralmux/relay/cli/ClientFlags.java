package dev.coralmux.relay.cli;

import picocli.CommandLine.Option;

/** Flags of the commands that connect as a client (agent, chat). */
final class ClientFlags {
  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:RELAY_TOKEN}", required = true,
      description = "The pairing token (env RELAY_TOKEN).")
  String token;

  @Option(names = "--no-e2e", description = "Turn end-to-end encryption off (it is on by default).")
  boolean noE2e;
}
