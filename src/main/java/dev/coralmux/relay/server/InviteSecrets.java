package dev.coralmux.relay.server;

import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The server secret that keys invite code hashes and sealing ({@code InviteKeys}), kept outside the
 * invite store: {@code invite.secret} / {@code RELAY_INVITE_SECRET} (required, and the same on every
 * node, in cluster mode), else {@code invite.secret} in the data directory, generated on first
 * start (32 random bytes, hex, owner-only).
 */
final class InviteSecrets {
  static final String FILE = "invite.secret";

  private InviteSecrets() {}

  /** Cluster mode: the configured secret, or a configuration error. Checked before joining anything. */
  static byte[] clustered(String configured) {
    if (configured.isEmpty()) {
      throw new ConfigException(List.of("invite.secret: cluster mode needs the same invite secret on every node "
          + "(the invites in Redis are keyed with it); set invite.secret or RELAY_INVITE_SECRET, e.g. openssl rand -hex 32"));
    }
    return configured.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] standalone(String configured, Path dataDir) {
    if (!configured.isEmpty()) return configured.getBytes(StandardCharsets.UTF_8);
    return SecretFile.readOrGenerate(dataDir.resolve(FILE), Secrets.MIN_INVITE_SECRET).value().getBytes(StandardCharsets.UTF_8);
  }
}
