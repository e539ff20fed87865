package dev.coralmux.relay.server;

import dev.coralmux.relay.store.AtomicFiles;
import dev.coralmux.relay.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin API is never open. The key comes from the configuration ({@code admin_key} or
 * {@code RELAY_ADMIN_KEY}); failing that, from {@code admin.key} in the data directory; failing
 * that, a new random key is generated on first start, kept there (owner-only) and printed once.
 */
public final class AdminKeys {
  static final String FILE = "admin.key";

  private AdminKeys() {}

  public static String resolve(String configured, Path dataDir, PrintStream out) {
    if (configured != null && !configured.isBlank()) {
      if (configured.length() < 16) {
        out.println("warning: the configured admin key is shorter than 16 characters; use a long random one");
      }
      return configured;
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String key = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (key.isEmpty()) throw new StoreException(file + " is empty; delete it to generate a new admin key", null);
        out.println("admin key: read from " + file);
        return key;
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String key = HexFormat.of().formatHex(bytes);
      AtomicFiles.write(file, (key + "\n").getBytes(StandardCharsets.UTF_8));
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; the data directory's own permissions apply
      }
      out.println("Generated an admin key (kept in " + file + "; shown only this once):");
      out.println("  " + key);
      return key;
    } catch (IOException e) {
      throw new StoreException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }
}
