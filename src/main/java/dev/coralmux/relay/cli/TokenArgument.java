package dev.coralmux.relay.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A token given any of the ways the README promises for every command: as an argument,
 * {@code --token}, or the {@code RELAY_TOKEN} environment variable (in that order).
 */
final class TokenArgument {
  @Parameters(paramLabel = "TOKEN", arity = "0..1", description = "The pairing token (or --token, or env RELAY_TOKEN).")
  String positional;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:RELAY_TOKEN}",
      description = "The pairing token (env RELAY_TOKEN).")
  String option;

  /** @throws RelayHttp.Failure naming the three ways when none gave a token */
  String value() throws RelayHttp.Failure {
    String t = positional != null && !positional.isBlank() ? positional : option;
    if (t == null || t.isBlank()) {
      throw new RelayHttp.Failure(0, "NO_TOKEN", "give the token as an argument, with --token, or in RELAY_TOKEN");
    }
    return t.trim();
  }
}
