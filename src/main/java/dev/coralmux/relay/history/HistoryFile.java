package dev.coralmux.relay.history;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A standalone relay's history on disk ({@code data_dir/history.bin}, owner-only, replaced
 * atomically): written on graceful shutdown, read at start, so stored messages survive a restart.
 * Senders are not written: after a restart no connection of theirs exists to be told "delivered".
 */
public final class HistoryFile {
  private static final int MAGIC = 0x434d4831; // "CMH1"

  private HistoryFile() {}

  public static Path in(Path dataDir) {
    return dataDir.resolve("history.bin");
  }

  /** The whole history as the file's bytes (the caller writes them atomically). */
  public static byte[] encode(LocalHistory history) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      List<Map.Entry<String, LocalHistory.Log>> logs = new ArrayList<>(history.logs().entrySet());
      out.writeInt(logs.size());
      for (Map.Entry<String, LocalHistory.Log> e : logs) {
        LocalHistory.Log log = e.getValue();
        synchronized (log) {
          out.writeUTF(e.getKey());
          out.writeLong(log.lastSeq);
          out.writeLong(log.cursor);
          out.writeLong(log.trimmedTo);
          out.writeInt(log.entries.size());
          for (Entry m : log.entries) {
            out.writeLong(m.seq());
            out.writeUTF(m.messageId());
            out.writeLong(m.keptAtMs());
            out.writeInt(m.frame().length);
            out.write(m.frame());
          }
        }
      }
    }
    return bytes.toByteArray();
  }

  /** Loads a saved history into {@code history}; a missing file is an empty history. */
  public static void load(LocalHistory history, Path file) throws IOException {
    if (!Files.exists(file)) return;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      if (in.readInt() != MAGIC) throw new IOException(file + " is not a CoralMux history file");
      int logs = in.readInt();
      for (int i = 0; i < logs; i++) {
        String key = in.readUTF();
        long lastSeq = in.readLong();
        LocalHistory.Log log = new LocalHistory.Log(lastSeq + 1);
        log.cursor = in.readLong();
        log.trimmedTo = in.readLong();
        int n = in.readInt();
        for (int j = 0; j < n; j++) {
          long seq = in.readLong();
          String id = in.readUTF();
          long keptAt = in.readLong();
          byte[] frame = new byte[in.readInt()];
          in.readFully(frame);
          log.append(new Entry(seq, id, frame, null, false, keptAt));
        }
        log.lastSeq = lastSeq;
        history.restore(key, log);
      }
    }
  }
}
