package dev.coralmux.relay.server;

import dev.coralmux.relay.config.Secrets;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The admin API is never open. The key comes from the configuration ({@code admin_key} or
 * {@code RELAY_ADMIN_KEY}, checked by the config loader); failing that, from {@code admin.key} in
 * the data directory; failing that, a new random key is generated on first start and kept there
 * (owner-only from the moment the file exists).
 */
public final class AdminKeys {
  static final String FILE = "admin.key";

  private AdminKeys() {}

  /**
   * @param showGenerated whether a generated key is printed (once) on {@code out}; not with JSON
   *     logs, where output goes to a log pipeline: then only the file is named
   */
  public static String resolve(String configured, Path dataDir, PrintStream out, boolean showGenerated) {
    if (configured != null && !configured.isBlank()) return configured;
    SecretFile key = SecretFile.readOrGenerate(dataDir.resolve(FILE), Secrets.MIN_ADMIN_KEY);
    if (!key.generated()) {
      out.println("admin key: read from " + key.file());
    } else if (showGenerated) {
      out.println("Generated an admin key (kept in " + key.file() + "; shown only this once):");
      out.println("  " + key.value());
    } else {
      out.println("Generated an admin key, written to " + key.file() + " (owner-only; not printed with JSON logs)");
    }
    return key.value();
  }
}
