package dev.coralmux.relay.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real servers and tools some tests run (redis-server, nginx, pebble, chromium, python3 with
 * websockets and cryptography). On a developer machine without one, its tests are skipped with a
 * loud notice so the rest of the suite still runs. CI sets {@code CORALMUX_REQUIRE_TOOLS=1} (see .ci/run): there a missing tool fails the test, so
 * nothing is ever skipped where it matters.
 */
public final class ExternalTools {
  private ExternalTools() {}

  /** The tool's absolute path; skips (or, in CI, fails) the calling test when it is not installed. */
  public static String require(String tool, String neededFor) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) return p.toString();
    }
    missing(tool + " is not installed; " + neededFor + " needs it (apt-get install -y " + tool + ")");
    return null; // not reached
  }

  /**
   * A python3 that can import {@code modules}: /usr/bin/python3 (Debian's, where apt installs the
   * modules) when it exists, else the first on the PATH. Skips (or, in CI, fails) like {@link #require}.
   *
   * @param aptPackages what provides the modules, for the message
   */
  public static String requirePython(String neededFor, String aptPackages, String... modules) {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : require("python3", neededFor);
    String imports = "import " + String.join(", ", modules);
    try {
      Process p = new ProcessBuilder(python, "-c", imports).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() == 0) return python;
      missing(python + " cannot " + imports + "; " + neededFor + " needs it (apt-get install -y " + aptPackages + "): "
          + out.strip());
    } catch (java.io.IOException e) {
      missing("cannot run " + python + " (" + e.getMessage() + "); " + neededFor + " needs it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return null; // not reached
  }

  /** A precondition of the machine (not a tool): the same rule, skip loudly here, fail in CI. */
  public static void requireThat(boolean holds, String why) {
    if (!holds) missing(why);
  }

  private static void missing(String why) {
    if ("1".equals(System.getenv("CORALMUX_REQUIRE_TOOLS"))) throw new AssertionError(why + " — required in CI");
    System.err.println("\n*** SKIPPED: " + why + ". CI installs it. ***\n");
    Assumptions.abort(why);
  }
}
