package dev.coralmux.relay.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged relay started as the README starts it, {@code java -jar target/coralmux-relay.jar},
 * in its own process. Output is collected; {@link #close()} always kills the process.
 */
public final class RelayProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  public final int port;
  /** The address it listens on (loopback unless started on a {@link SeparateHost}). */
  public final String host;

  private RelayProcess(Process process, int port, String host) {
    this.process = process;
    this.port = port;
    this.host = host;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "relay-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static Path jar() {
    return Path.of(System.getProperty("relay.jar", "target/coralmux-relay.jar")).toAbsolutePath();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code java -jar} in {@code workDir} with these extra environment variables and arguments. */
  public static RelayProcess start(Path workDir, Map<String, String> env, String... args) {
    return start(null, workDir, env, args);
  }

  /** The same on another host: inside {@code on}'s network namespace, listening on its address. */
  public static RelayProcess start(SeparateHost on, Path workDir, Map<String, String> env, String... args) {
    int port = freePort(); // free here; the namespace has no listener at all yet
    String host = on == null ? "127.0.0.1" : on.address();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(on == null ? cmd : on.command(cmd)).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
    pb.environment().put("RELAY_PORT", String.valueOf(port)); // unless env sets its own (bad-config tests)
    pb.environment().put("RELAY_HOST", host);
    pb.environment().putAll(env);
    try {
      return new RelayProcess(pb.start(), port, host);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a line containing {@code text}; fails with the output so far. */
  public String awaitLine(String text) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      boolean ended = !reader.isAlive(); // checked first: once it has ended, every line is in
      synchronized (lines) {
        for (String l : lines) if (l.contains(text)) return l;
        long left = deadline - System.currentTimeMillis();
        if (ended || left <= 0) throw new AssertionError("no line with \"" + text + "\"; output:\n" + output());
        try {
          lines.wait(Math.max(1, Math.min(left, 200)));
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  public RelayProcess awaitListening() {
    awaitLine("listening on");
    return this;
  }

  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** Waits for the process to exit on its own; returns its exit code. */
  public int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("relay did not exit; output:\n" + output());
    return process.exitValue();
  }

  /** SIGTERM, as an orchestrator sends; waits for the exit. */
  public int terminate() throws InterruptedException {
    process.toHandle().destroy(); // Process.destroy() would also close our end of its output

    return awaitExit();
  }

  /** SIGKILL: a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  public String wsUrl() {
    return "ws://" + host + ":" + port + "/ws";
  }

  public String httpUrl() {
    return "http://" + host + ":" + port;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
    LogScan.scan("relay process on port " + port, output());
  }
}
