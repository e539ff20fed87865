package dev.coralmux.relay.server;

import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.Secrets;
import dev.coralmux.relay.store.AtomicFiles;
import dev.coralmux.relay.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
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
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        String problem = Secrets.problem(secret.isEmpty() ? "-" : secret, Secrets.MIN_INVITE_SECRET);
        if (problem != null) throw new ConfigException(List.of(file + ": " + problem + " (or delete it to generate one)"));
        return secret.getBytes(StandardCharsets.UTF_8);
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String secret = HexFormat.of().formatHex(bytes);
      AtomicFiles.write(file, (secret + "\n").getBytes(StandardCharsets.UTF_8));
      return secret.getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }
}
