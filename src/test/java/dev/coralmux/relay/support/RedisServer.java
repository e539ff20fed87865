package dev.coralmux.relay.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} on a free loopback port, with no persistence, stopped by {@link #close()}.
 * CI installs Redis (see .ci/run); elsewhere {@link ExternalTools} skips loudly without it.
 */
public final class RedisServer implements AutoCloseable {
  private final Process process;
  public final int port;

  private RedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static RedisServer start() {
    String bin = ExternalTools.require("redis-server", "the cluster tests");
    int port = RelayProcess.freePort();
    try {
      Process p = new ProcessBuilder(bin, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      RedisServer r = new RedisServer(p, port);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(r::accepting);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean accepting() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Freezes the server (SIGSTOP): it accepts nothing and answers nothing, like a hung or partitioned Redis. */
  public void pause() throws Exception {
    signal("-STOP");
  }

  /** Thaws a paused server (SIGCONT). */
  public void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String sig) throws Exception {
    int code = new ProcessBuilder("kill", sig, String.valueOf(process.pid())).start().waitFor();
    if (code != 0) throw new IllegalStateException("kill " + sig + " failed");
  }

  /** Stops the server at once. */
  public void stop() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
