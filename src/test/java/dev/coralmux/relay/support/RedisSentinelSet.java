package dev.coralmux.relay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Redis master, one replica and three Sentinels ({@code redis-sentinel}, quorum 2) on free
 * loopback ports in a temporary directory, tuned to fail over within seconds: a master is
 * subjectively down after {@value #DOWN_AFTER_MS} ms without answers, and a failover that stalls is
 * retried after twice {@value #FAILOVER_TIMEOUT_MS} ms. No persistence. {@link #close()} stops every
 * process it started, also when starting failed half-way. Each process writes its log to
 * {@code <dir>/<port>.log}; {@link #logs()} gives their last lines for a failure message.
 */
public final class RedisSentinelSet implements AutoCloseable {
  public static final String MASTER_NAME = "coralmux";
  public static final int DOWN_AFTER_MS = 1_000;
  public static final int FAILOVER_TIMEOUT_MS = 3_000;

  private final Path dir;
  private final String server;
  private final String cli;
  /** Data servers (master first, then the replica) and the sentinels, by port. */
  private final Map<Integer, Process> servers = new LinkedHashMap<>();
  private final Map<Integer, Process> sentinels = new LinkedHashMap<>();

  private RedisSentinelSet(Path dir) {
    this.dir = dir;
    this.server = ExternalTools.require("redis-server", "the Sentinel failover tests");
    ExternalTools.require("redis-sentinel", "the Sentinel failover tests");
    this.cli = ExternalTools.require("redis-cli", "the Sentinel failover tests");
  }

  /** Starts the set and waits until the Sentinels know the replica and each other (a failover can then happen). */
  public static RedisSentinelSet start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("coralmux-sentinel");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisSentinelSet set = new RedisSentinelSet(dir);
    try {
      int master = set.startServer(null);
      set.startServer(master);
      for (int i = 0; i < 3; i++) set.startSentinel(master);
      set.awaitReady(master);
      return set;
    } catch (RuntimeException | Error e) {
      String logs = set.logs();
      set.close();
      throw new IllegalStateException("the Sentinel set did not become ready:\n" + logs, e);
    }
  }

  private int startServer(Integer masterPort) {
    int port = RelayProcess.freePort();
    List<String> cmd = new ArrayList<>(List.of(server, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
        "--dbfilename", port + ".rdb", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
    if (masterPort != null) cmd.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(masterPort)));
    servers.put(port, launch(cmd, port));
    awaitAnswers(port);
    return port;
  }

  private void startSentinel(int masterPort) {
    int port = RelayProcess.freePort();
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    String text = String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "daemonize no",
        "dir " + dir,
        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
        "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MS,
        "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MS,
        "sentinel parallel-syncs " + MASTER_NAME + " 1", "");
    try {
      Files.writeString(conf, text, StandardCharsets.UTF_8); // Sentinel rewrites it: its own file
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sentinels.put(port, launch(List.of(server, conf.toString(), "--sentinel"), port));
    awaitAnswers(port);
  }

  private Process launch(List<String> cmd, int port) {
    try {
      return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(port + ".log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitAnswers(int port) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> cli(port, "PING").strip().equals("PONG"));
  }

  /** Every Sentinel sees the replica in sync and the two other Sentinels: a failover can be authorized. */
  private void awaitReady(int master) {
    Awaitility.await("replica in sync").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> cli(master, "INFO", "replication").contains("state=online"));
    for (int s : sentinels.keySet()) {
      Awaitility.await("sentinel " + s + " ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> cli(s, "SENTINEL", "CKQUORUM", MASTER_NAME).startsWith("OK 3 usable")
              && cli(s, "SENTINEL", "REPLICAS", MASTER_NAME).lines().anyMatch(l -> l.equals("slave")));
    }
  }

  /** {@code redis://127.0.0.1:<port>} of each Sentinel: the relay's {@code cluster.redis.endpoints}. */
  public List<String> sentinelUrls() {
    return sentinels.keySet().stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  /** The master's port as the first Sentinel that answers reports it. */
  public int masterPort() {
    for (int s : sentinels.keySet()) {
      List<String> addr = cli(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).lines().toList();
      if (addr.size() == 2) return Integer.parseInt(addr.get(1).strip());
    }
    throw new IllegalStateException("no Sentinel answers");
  }

  /** The ports of the data servers (master and replica) still running. */
  public List<Integer> serverPorts() {
    return servers.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
  }

  /** Kills the data server on this port with SIGKILL (no goodbye to its clients, no last replication). */
  public void kill(int port) throws InterruptedException {
    Process p = servers.get(port);
    p.destroyForcibly(); // SIGKILL on Linux
    p.waitFor(20, TimeUnit.SECONDS);
  }

  /** Freezes the data server on this port (SIGSTOP): it keeps its sockets open and answers nothing. */
  public void freeze(int port) {
    signal(servers.get(port), "-STOP");
  }

  /** Thaws a frozen server (SIGCONT). */
  public void thaw(int port) {
    signal(servers.get(port), "-CONT");
  }

  private static void signal(Process p, String sig) {
    try {
      int code = new ProcessBuilder("kill", sig, String.valueOf(p.pid())).start().waitFor();
      if (code != 0) throw new IllegalStateException("kill " + sig + " failed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asks a Sentinel for a failover now ({@code SENTINEL FAILOVER}), as an operator would before maintenance. */
  public String requestFailover() {
    return cli(sentinels.keySet().iterator().next(), "SENTINEL", "FAILOVER", MASTER_NAME).strip();
  }

  /** Waits until every Sentinel names a master other than {@code oldPort} and that server says it is a master. */
  public int awaitNewMaster(int oldPort, Duration atMost) {
    Awaitility.await("a new master").atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
      for (int s : sentinels.keySet()) {
        List<String> addr = cli(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).lines().toList();
        if (addr.size() != 2 || Integer.parseInt(addr.get(1).strip()) == oldPort) return false;
      }
      return cli(masterPort(), "ROLE").startsWith("master");
    });
    return masterPort();
  }

  /** Runs {@code redis-cli} against a port (10 s cap: a frozen server does not hang the test); its raw output. */
  public String cli(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of(cli, "-h", "127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "cli", ".out");
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          return "";
        }
        return Files.readString(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of every process's log, for failure messages. */
  public String logs() {
    StringBuilder b = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        b.append("== ").append(f.getFileName()).append('\n');
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
      }
    } catch (IOException e) {
      b.append("(could not read the logs: ").append(e.getMessage()).append(")\n");
    }
    return b.toString();
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(sentinels.values());
    all.addAll(servers.values());
    for (Process p : all) {
      try {
        if (p.isAlive()) signal(p, "-CONT"); // a frozen server must be able to die
      } catch (RuntimeException e) {
        // it ended meanwhile
      }
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
