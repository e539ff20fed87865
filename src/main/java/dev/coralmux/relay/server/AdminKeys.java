package dev.coralmux.relay.server;

import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.Secrets;
import dev.coralmux.relay.store.AtomicFiles;
import dev.coralmux.relay.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

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
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String key = Files.readString(file, StandardCharsets.UTF_8).trim();
        String problem = Secrets.problem(key.isEmpty() ? "-" : key, Secrets.MIN_ADMIN_KEY);
        if (problem != null) throw new ConfigException(List.of(file + ": " + problem + " (or delete it to generate one)"));
        out.println("admin key: read from " + file);
        return key;
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String key = HexFormat.of().formatHex(bytes);
      AtomicFiles.write(file, (key + "\n").getBytes(StandardCharsets.UTF_8));
      if (showGenerated) {
        out.println("Generated an admin key (kept in " + file + "; shown only this once):");
        out.println("  " + key);
      } else {
        out.println("Generated an admin key, written to " + file + " (owner-only; not printed with JSON logs)");
      }
      return key;
    } catch (IOException e) {
      throw new StoreException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }
}
