package dev.coralmux.relay.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe file replacement: write a temporary file, force it to disk, rename it over the old one.
 * Everything the relay writes (keys, secrets, token hashes, usage) is for its owner only, so the
 * temporary file is created owner-only (0600) — never written first and restricted afterwards.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  public static void write(Path target, byte[] content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp); // a leftover from a crash keeps whatever mode it had
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        ownerOnly(tmp, "rw-------"))) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Creates {@code dir} (and missing parents) owner-only (0700); an existing directory is left as it is. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    Files.createDirectories(dir, ownerOnly(dir, "rwx------"));
  }

  private static FileAttribute<?>[] ownerOnly(Path where, String mode) {
    if (!where.getFileSystem().supportedFileAttributeViews().contains("posix")) return new FileAttribute<?>[0];
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))};
  }
}
