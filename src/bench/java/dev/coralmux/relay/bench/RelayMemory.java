package dev.coralmux.relay.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay's memory, read from outside its process (same machine, same user): resident set from
 * {@code /proc/<pid>/status}, heap after a full GC through {@code jcmd}. The relay itself offers no
 * way to trigger a GC, so production cannot be made to stall by a request.
 */
final class RelayMemory {
  /** "used 1234K" on a heap line of GC.heap_info (G1/ZGC: one line; Serial/Parallel: one per generation). */
  private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])\\b");

  private RelayMemory() {}

  /** {@code heap_used_after_gc_bytes} and {@code rss_bytes} of process {@code pid}, both after a full GC. */
  static JsonObject sample(long pid) throws Exception {
    jcmd(pid, "GC.run");
    long heap = heapUsed(jcmd(pid, "GC.heap_info"));
    long rss = rssBytes(pid); // after the GC: a full GC may give heap pages back
    return new JsonObject().put("heap_used_after_gc_bytes", heap).put("rss_bytes", rss);
  }

  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  /** Sums the heap's "used" figures; Metaspace and class space are not heap. */
  static long heapUsed(String heapInfo) {
    long total = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) continue;
      Matcher m = USED.matcher(line);
      if (!m.find()) continue;
      int shift = switch (m.group(2)) {
        case "K" -> 10;
        case "M" -> 20;
        default -> 30;
      };
      total += Long.parseLong(m.group(1)) << shift;
      found = true;
    }
    if (!found) throw new IllegalStateException("no heap figure in jcmd GC.heap_info output:\n" + heapInfo);
    return total;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jdkJcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String exe = Files.isExecutable(jdkJcmd) ? jdkJcmd.toString() : "jcmd"; // a JRE has none: try PATH
    Process p = new ProcessBuilder(exe, String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }
}
