package dev.coralmux.relay.history;

import dev.coralmux.relay.protocol.Role;
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
  private static final int MAGIC = 0x434d4832; // "CMH2"

  private HistoryFile() {}

  public static Path in(Path dataDir) {
    return dataDir.resolve("history.bin");
  }

  /** The whole history as the file's bytes (the caller writes them atomically). */
  public static byte[] encode(LocalHistory history) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      List<Map.Entry<String, HistoryLog>> logs = new ArrayList<>();
      List<Role> readers = new ArrayList<>();
      for (Role r : Role.values()) {
        for (Map.Entry<String, HistoryLog> e : history.logsOf(r).entrySet()) {
          logs.add(e);
          readers.add(r);
        }
      }
      out.writeInt(logs.size());
      for (int i = 0; i < logs.size(); i++) {
        Map.Entry<String, HistoryLog> e = logs.get(i);
        HistoryLog log = e.getValue();
        synchronized (log) {
          out.writeUTF(readers.get(i).wire());
          out.writeUTF(e.getKey());
          out.writeLong(log.lastSeq);
          out.writeLong(log.cursor.get());
          out.writeLong(log.trimmedTo);
          List<Entry> entries = log.after(0, Integer.MAX_VALUE);
          out.writeInt(entries.size());
          for (Entry m : entries) {
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
    if (Files.exists(file)) decodeInto(history, Files.readAllBytes(file), file.toString());
  }

  /** Reads what {@link #encode} wrote into {@code history}; {@code file} names it in errors. */
  static void decodeInto(LocalHistory history, byte[] content, String file) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(content))) {
      if (in.readInt() != MAGIC) throw new IOException(file + " is not a CoralMux history file");
      int logs = in.readInt();
      for (int i = 0; i < logs; i++) {
        Role reader = Role.fromWire(in.readUTF());
        String tokenHash = in.readUTF();
        if (reader == null) throw new IOException("unknown reader role in " + file);
        long lastSeq = in.readLong();
        HistoryLog log = new HistoryLog(lastSeq + 1);
        log.cursor.set(in.readLong());
        log.trimmedTo = in.readLong();
        int n = in.readInt();
        for (int j = 0; j < n; j++) {
          long seq = in.readLong();
          String id = in.readUTF();
          long keptAt = in.readLong();
          byte[] frame = new byte[in.readInt()];
          in.readFully(frame);
          log.append(seq, id, frame, null, false, keptAt);
        }
        log.lastSeq = lastSeq;
        history.restore(reader, tokenHash, log);
      }
    }
  }
}
