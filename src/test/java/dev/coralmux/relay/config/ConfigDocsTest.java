package dev.coralmux.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The config loader, docs/configuration.md and conf/relay.json cannot drift apart (issue 14):
 * every key the relay reads is documented, every documented key is read, and the shipped file
 * uses only keys the relay knows (and loads).
 */
class ConfigDocsTest {
  private static final Pattern DOC_ROW = Pattern.compile("^\\| `([a-z_][a-z0-9_.]*)`(?:, `([a-z_][a-z0-9_.]*)`)?", Pattern.MULTILINE);

  /** Leaf keys only: a section (`tls.acme`) is documented through its keys. */
  private static Set<String> loaderKeys() {
    Set<String> all = ConfigLoader.keys();
    Set<String> leaves = new TreeSet<>();
    for (String k : all) if (all.stream().noneMatch(o -> o.startsWith(k + "."))) leaves.add(k);
    return leaves;
  }

  @Test
  void everyKeyTheRelayReadsIsDocumentedAndNoOther() throws Exception {
    Set<String> documented = new TreeSet<>();
    Matcher m = DOC_ROW.matcher(Files.readString(Path.of("docs", "configuration.md")));
    while (m.find()) {
      documented.add(m.group(1));
      if (m.group(2) != null) documented.add(m.group(2));
    }
    assertEquals(true, loaderKeys().size() > 40 && documented.size() > 40, "both lists were read: " + loaderKeys());
    Set<String> undocumented = new TreeSet<>(loaderKeys());
    undocumented.removeAll(documented);
    assertEquals(Set.of(), undocumented, "keys the relay reads but docs/configuration.md does not list");
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(loaderKeys());
    assertEquals(Set.of(), unknown, "keys docs/configuration.md lists but the relay does not read");
  }

  @Test
  void theShippedConfUsesOnlyKnownKeysAndLoads() throws Exception {
    JsonObject conf = new JsonObject(Files.readString(Path.of("conf", "relay.json")));
    Set<String> inFile = new TreeSet<>();
    flatten("", conf, inFile);
    inFile.removeAll(loaderKeys());
    assertEquals(Set.of(), inFile, "keys in conf/relay.json the relay does not read");
    ConfigLoader.fromJson(conf, Map.of()); // and it loads
  }

  private static void flatten(String prefix, JsonObject o, Set<String> out) {
    for (String k : o.fieldNames()) {
      if (k.startsWith("_")) continue; // comments
      Object v = o.getValue(k);
      if (v instanceof JsonObject child) flatten(prefix + k + ".", child, out);
      else out.add(prefix + k);
    }
  }
}
