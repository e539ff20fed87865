package dev.coralmux.relay.server;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.history.HistoryFile;
import dev.coralmux.relay.history.LocalHistory;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Logger;

/**
 * A standalone relay's history across restarts: read from the data directory at start, written
 * there on graceful shutdown. An unreadable file is set aside (never silently overwritten) and the
 * relay starts with an empty history rather than not at all.
 */
final class StandaloneHistory {
  private static final Logger LOG = Logger.getLogger(StandaloneHistory.class.getName());

  private StandaloneHistory() {}

  static LocalHistory load(RelayConfig config, RelayMetrics metrics) {
    LocalHistory history = new LocalHistory(System::currentTimeMillis, config.history().ttlMs(), metrics);
    Path file = HistoryFile.in(config.dataDir());
    if (!config.history().enabled()) return history;
    try {
      HistoryFile.load(history, file);
      long[] size = history.size();
      if (size[0] > 0) LOG.info("message history loaded: " + size[0] + " messages, " + size[1] + " bytes");
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
      LOG.warning("cannot read " + file + " (" + e.getMessage() + "); moved to " + aside + ", starting with an empty history");
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        LOG.warning("cannot move " + file + " aside: " + moveFailed.getMessage());
      }
      history.clear();
    }
    return history;
  }

  static void save(RelayConfig config, LocalHistory history) {
    if (!config.history().enabled()) return;
    history.sweep();
    try {
      AtomicFiles.write(HistoryFile.in(config.dataDir()), HistoryFile.encode(history)); // owner-only, atomic
    } catch (IOException e) {
      LOG.severe("could not write the message history at shutdown: " + e.getMessage());
    }
  }
}
