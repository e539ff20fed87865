package dev.coralmux.relay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The baseline forwarder in its own JVM (as the relay is), started and stopped by the bench. */
public final class BaselineProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private BaselineProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static BaselineProcess start() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BaselineForwarder.class.getName(), String.valueOf(port)).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null && !line.startsWith("baseline listening")) {
      seen.append(line).append('\n'); // anything a library prints first
    }
    if (line == null) {
      p.destroyForcibly();
      throw new IOException("baseline forwarder did not start: " + seen);
    }
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) { /* keep the pipe from filling */ }
      } catch (IOException ignored) {
        // process ended
      }
    }, "baseline-output");
    drain.setDaemon(true);
    drain.start();
    return new BaselineProcess(p, port);
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
