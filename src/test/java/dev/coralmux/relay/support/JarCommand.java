package dev.coralmux.relay.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the jar's commands ({@code token}, {@code agent}, {@code chat}) run as its own process. */
public final class JarCommand implements AutoCloseable {
  public record Result(int exitCode, String stdout, String stderr) {}

  private final Process process;
  private final Path out;
  private final Path err;

  private JarCommand(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts the command in the background (e.g. an agent). */
  public static JarCommand start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", RelayProcess.jar().toString()));
    cmd.addAll(List.of(args));
    Path o = Files.createTempFile("cmd", ".out");
    Path e = Files.createTempFile("cmd", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RELAY_") || k.startsWith("OPENAI_"));
    pb.environment().putAll(env);
    return new JarCommand(pb.start(), o, e);
  }

  /** Runs the command to completion (at most two minutes) and returns what it printed. */
  public static Result run(Map<String, String> env, String... args) throws Exception {
    try (JarCommand c = start(env, args)) {
      if (!c.process.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("command did not finish: " + List.of(args));
      return new Result(c.process.exitValue(), c.stdout(), c.stderr());
    }
  }

  public String stdout() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  public String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
