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
 * of its own; {@link #close()} always runs {@code scripts/cluster-down.sh}.
 */
public final class LocalCluster implements AutoCloseable {
  public final Path dir;
  public final JsonObject endpoints;
  public final String adminKey = "cluster-it-admin-key-0123456789";

  private LocalCluster(Path dir) throws Exception {
    this.dir = dir;
    int base = freeBase();
    int code = run("scripts/cluster-up.sh", base);
    if (code != 0) {
      run("scripts/cluster-down.sh", base);
      throw new AssertionError("cluster-up.sh failed (" + code + "): " + Files.readString(dir.resolve("up.log")));
    }
    endpoints = new JsonObject(Files.readString(dir.resolve("endpoints.json")));
  }

  public static LocalCluster start() throws Exception {
    for (String tool : List.of("redis-server", "nginx")) ExternalTools.require(tool, "the load-balanced cluster test");
    return new LocalCluster(Files.createTempDirectory("coralmux-cluster"));
  }

  private int run(String script, int base) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("up.log").toFile()));
    pb.environment().put("CLUSTER_DIR", dir.toString());
    pb.environment().put("BASE_PORT", String.valueOf(base));
    pb.environment().put("RELAY_ADMIN_KEY", adminKey);
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
