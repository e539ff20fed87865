package dev.coralmux.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape the code promises (docs/architecture.md): small files, no package cycles, only
 * public Vert.x API, and an SDK (client + protocol) that needs nothing from the server side.
 * Read from the sources, imports and fully qualified names alike.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src", "main", "java", "dev", "coralmux", "relay");
  private static final Pattern OWN = Pattern.compile("dev\\.coralmux\\.relay\\.([a-z]+)\\.[A-Z]");
  private static final Pattern INTERNAL = Pattern.compile("io\\.vertx\\.[a-z.]*\\.(impl|internal)\\.|io\\.netty\\.");
  private static final Set<String> SDK = Set.of("client", "protocol");

  private static Map<Path, String> sources() throws IOException {
    Map<Path, String> all = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) all.put(f, Files.readString(f));
    }
    assertTrue(all.size() > 50, "found the sources");
    return all;
  }

  private static String packageOf(Path file) {
    return MAIN.relativize(file).getName(0).toString();
  }

  /** Package → the project's packages it uses. */
  private static Map<String, Set<String>> packageGraph() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (var e : sources().entrySet()) {
      String from = packageOf(e.getKey());
      Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
      Matcher m = OWN.matcher(e.getValue());
      while (m.find()) if (!m.group(1).equals(from)) to.add(m.group(1));
    }
    return uses;
  }

  @Test
  void noFileOver350Lines() throws IOException {
    List<String> big = new ArrayList<>();
    for (var e : sources().entrySet()) {
      long lines = e.getValue().lines().count();
      if (lines > 350) big.add(e.getKey() + " (" + lines + " lines)");
    }
    assertEquals(List.of(), big);
  }

  @Test
  void noPackageCycles() throws IOException {
    Map<String, Set<String>> graph = packageGraph();
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, start, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
    }
    assertEquals(List.of(), cycles, "package dependencies: " + graph);
  }

  private static void findCycle(Map<String, Set<String>> graph, String start, String at, List<String> path,
                                Set<String> seen, List<String> cycles) {
    for (String next : graph.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        cycles.add(String.join(" -> ", path) + " -> " + start);
      } else if (seen.add(next) && next.compareTo(start) > 0) { // each cycle once, from its smallest package
        path.add(next);
        findCycle(graph, start, next, path, seen, cycles);
        path.remove(path.size() - 1);
      }
    }
  }

  @Test
  void onlyPublicVertxApi() throws IOException {
    List<String> internal = new ArrayList<>();
    for (var e : sources().entrySet()) {
      Matcher m = INTERNAL.matcher(e.getValue());
      if (m.find()) internal.add(e.getKey() + ": " + m.group());
    }
    assertEquals(List.of(), internal);
  }

  @Test
  void theSdkNeedsNothingFromTheServerSide() throws IOException {
    Map<String, Set<String>> graph = packageGraph();
    for (String pkg : SDK) {
      Set<String> outside = new TreeSet<>(graph.getOrDefault(pkg, Set.of()));
      outside.removeAll(SDK);
      assertEquals(Set.of(), outside, pkg + " must use only " + SDK);
    }
    for (var e : sources().entrySet()) {
      if (!SDK.contains(packageOf(e.getKey()))) continue;
      for (String line : e.getValue().lines().filter(l -> l.startsWith("import ")).toList()) {
        assertTrue(line.matches("import (static )?(java|javax|io\\.vertx\\.core|com\\.fasterxml\\.jackson\\.core|org\\.bouncycastle|dev\\.coralmux\\.relay\\.(client|protocol))\\..*"),
            e.getKey() + " imports beyond Vert.x core (and its Jackson) and Bouncy Castle: " + line);
      }
    }
  }
}
