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
 * A secret kept in the data directory (admin key, invite secret): read when the file exists and
 * is acceptable, else 32 random bytes as hex, written atomically and owner-only (0600).
 *
 * @param generated true when this start created it (the caller may say so once)
 */
record SecretFile(Path file, String value, boolean generated) {

  static SecretFile readOrGenerate(Path file, int minLength) {
    try {
      if (Files.exists(file)) {
        String value = Files.readString(file, StandardCharsets.UTF_8).trim();
        String problem = Secrets.problem(value.isEmpty() ? "-" : value, minLength);
        if (problem != null) throw new ConfigException(List.of(file + ": " + problem + " (or delete it to generate one)"));
        return new SecretFile(file, value, false);
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String value = HexFormat.of().formatHex(bytes);
      AtomicFiles.write(file, (value + "\n").getBytes(StandardCharsets.UTF_8));
      return new SecretFile(file, value, true);
    } catch (IOException e) {
      throw new StoreException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }
}
