package dev.coralmux.relay.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The cluster {@code scripts/cluster-up.sh} starts (Redis, 3 relay JVMs, nginx), in a directory
 * of its own; {@link #close()} always runs {@code scripts/cluster-down.sh}. On loopback, or with
 * {@link #startOnSeparateHosts()} each process on a host of its own (a network namespace) so that
 * {@code scripts/partition.sh} can cut any of them off.
 */
public final class LocalCluster implements AutoCloseable {
  public final Path dir;
  public final JsonObject endpoints;
  public final String adminKey = "cluster-it-admin-key-0123456789";

  private final java.util.Map<String, String> netns;

  private LocalCluster(Path dir, java.util.Map<String, String> netns) throws Exception {
    this.dir = dir;
    this.netns = netns;
    int base = netns.isEmpty() ? freeBase() : 0;
    int code = run("scripts/cluster-up.sh", base);
    if (code != 0) {
      run("scripts/cluster-down.sh", base);
      throw new AssertionError("cluster-up.sh failed (" + code + "): " + Files.readString(dir.resolve("up.log")));
    }
    endpoints = new JsonObject(Files.readString(dir.resolve("endpoints.json")));
  }

  public static LocalCluster start() throws Exception {
    for (String tool : List.of("redis-server", "nginx")) ExternalTools.require(tool, "the load-balanced cluster test");
    return new LocalCluster(Files.createTempDirectory("coralmux-cluster"), java.util.Map.of());
  }

  /**
   * Each process on its own host: a namespace on a bridge with a /24 of its own, picked at random
   * among those no interface here uses, so runs never meet (needs root, iproute2 and iptables).
   */
  public static LocalCluster startOnSeparateHosts() throws Exception {
    for (String tool : List.of("redis-server", "nginx", "ip", "iptables")) ExternalTools.require(tool, "the partition tests");
    ExternalTools.requireThat("root".equals(System.getProperty("user.name")), "the partition tests need root (network namespaces)");
    Random r = new Random();
    String prefix = "cmx" + (100 + r.nextInt(900));
    String subnet = "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256);
    return new LocalCluster(Files.createTempDirectory("coralmux-cluster"),
        java.util.Map.of("NETNS", "1", "NETNS_PREFIX", prefix, "NETNS_SUBNET", subnet));
  }

  /** Runs {@code scripts/partition.sh} with these arguments (e.g. "cut", "node1", "--from", "redis"). */
  public void partition(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("scripts/partition.sh"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CLUSTER_DIR", dir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("partition.sh " + cmd + ": " + out);
  }

  /** The WebSocket URL of node i (0-based), bypassing the load balancer. */
  public String nodeWs(int i) {
    return node(i).replace("http://", "ws://") + "/ws";
  }

  /** The last lines of node i's log (0-based), for a failure message. */
  public String nodeLog(int i) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("node-" + (i + 1) + ".log"));
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private int run(String script, int base) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("up.log").toFile()));
    pb.environment().put("CLUSTER_DIR", dir.toString());
    pb.environment().put("BASE_PORT", String.valueOf(base));
    pb.environment().put("RELAY_ADMIN_KEY", adminKey);
    pb.environment().putAll(netns);
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** A base port with the 23 ports the script uses all free. */
  private static int freeBase() {
    Random r = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + r.nextInt(20_000);
      if (allFree(base)) return base;
    }
    throw new IllegalStateException("no free port range");
  }

  private static boolean allFree(int base) {
    for (int p = base; p <= base + 22; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  public String lbHttp() {
    return endpoints.getString("lb");
  }

  public String lbWs() {
    return lbHttp().replace("http://", "ws://") + "/ws";
  }

  public String node(int i) {
    return endpoints.getJsonArray("nodes").getString(i);
  }

  /** SIGSTOP (true) or SIGCONT (false) to node i (0-based): a JVM frozen as in a long GC pause. */
  public void freezeNode(int i, boolean frozen) throws Exception {
    String pid = Files.readString(dir.resolve("pids/node-" + (i + 1) + ".pid")).trim();
    Process p = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", pid).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("kill " + (frozen ? "-STOP " : "-CONT ") + pid);
  }

  /** kill -9 of node i (0-based). */
  public void killNode(int i) throws Exception {
    long pid = Long.parseLong(Files.readString(dir.resolve("pids/node-" + (i + 1) + ".pid")).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
  }

  @Override
  public void close() throws Exception {
    run("scripts/cluster-down.sh", 0);
  }
}
