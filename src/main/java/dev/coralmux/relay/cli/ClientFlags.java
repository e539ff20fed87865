package dev.coralmux.relay.cli;

import picocli.CommandLine.Option;

/** Flags of the commands that connect as a client (agent, chat). */
final class ClientFlags {
  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:RELAY_TOKEN}", required = true,
      description = "The pairing token (env RELAY_TOKEN).")
  String token;

  @Option(names = "--no-e2e", description = "Turn end-to-end encryption off (it is on by default).")
  boolean noE2e;

  @Option(names = "--no-resume", description = {"Turn reliable delivery off: no replay of what was missed while "
      + "disconnected, no resending, and a message to an offline peer is refused (PEER_OFFLINE), as in protocol v1."})
  boolean noResume;
}
