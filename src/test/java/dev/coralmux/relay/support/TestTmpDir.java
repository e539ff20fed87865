package dev.coralmux.relay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The build points the test JVMs' temporary directory into {@code target/tmp} (pom.xml), so a run
 * leaves nothing behind in /tmp and {@code mvn clean} removes it all; this makes sure it exists.
 */
public final class TestTmpDir implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
