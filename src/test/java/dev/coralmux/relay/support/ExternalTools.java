package dev.coralmux.relay.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real servers some tests run (redis-server, nginx, pebble, chromium). On a developer machine
 * without one, its tests are skipped with a loud notice so the rest of the suite still runs. CI
 * sets {@code CORALMUX_REQUIRE_TOOLS=1} (see .ci/run): there a missing tool fails the test, so
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
    String why = tool + " is not installed; " + neededFor + " needs it (apt-get install -y " + tool + ")";
    if ("1".equals(System.getenv("CORALMUX_REQUIRE_TOOLS"))) throw new AssertionError(why + " — required in CI");
    System.err.println("\n*** SKIPPED: " + why + ". CI installs it. ***\n");
    Assumptions.abort(why);
    return null; // not reached
  }
}
