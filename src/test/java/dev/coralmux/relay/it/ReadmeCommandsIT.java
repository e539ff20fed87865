package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.coralmux.relay.support.ExternalTools;
import dev.coralmux.relay.support.LogScan;
import dev.coralmux.relay.support.RelayProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Every shell command in README.md's {@code ```bash} blocks (and then in the docs it sends a newcomer
 * to that have commands, {@link #DOCS}), run for real, in order, against
 * the packaged jar (built by {@code package} before failsafe runs), in a temporary directory set up
 * like a fresh clone after the build: {@code conf/}, {@code scripts/} and {@code target/coralmux-relay.jar}.
 * A command is a logical line of a block (continuation lines and multi-line quoted strings joined,
 * comments dropped, {@code a && b} split in two). Each runs with {@code bash -c} in one shell session:
 * variables it sets or exports ({@code TOKEN=...}, {@code export RELAY_URL=...}) carry over to the
 * next commands, as in a terminal.
 *
 * <p>Every command is either run — a long-running one (the relay, {@code agent ... &}, the SSE
 * stream) started, checked (the relay prints "listening on", the agent "agent connected") and
 * stopped — or listed in {@link #EXCLUDED} with the reason. A README command that is neither fails
 * the test; so does an exclusion or a handler for a command the README no longer has. A command
 * without a handler is run and must exit 0, print no stack trace and no error JSON, and print every
 * key of the JSON the README shows as its output ({@code # {...}} after it).
 *
 * <p>What is substituted before a command runs (and nothing else):
 * <ul>
 *   <li>{@code 8080} → a free port; the relay gets the same port from {@code RELAY_PORT} (the session's
 *       environment), which overrides the file's, so the README's URLs and the relay agree;</li>
 *   <li>{@code oc_pair_...} → the token the quickstart's {@code curl ... /api/v1/pair} created (the revoke
 *       example gets a token of its own, the one "Create a token" made); {@code 63fbdd0514808279} → the id
 *       of a token made for revoking by id; {@code K7M2QX} → the invite code the command before it got;</li>
 *   <li>{@code https://api.openai.com/v1} → a local OpenAI-compatible server (no real key in CI;
 *       {@code OPENAI_API_KEY} is set to a test value, which the bridge must send);</li>
 *   <li>{@code 192.168.1.20} → 127.0.0.1 and {@code 0C:1E:…} → the fingerprint the self-signed relay printed;</li>
 *   <li>{@code scripts/cluster-up.sh} gets a free {@code BASE_PORT} from the environment (its documented knob).</li>
 * </ul>
 */
class ReadmeCommandsIT {
  /** README commands this test does not run, each with why. */
  static final Map<String, String> EXCLUDED = Map.of(
      "mvn -q package -DskipTests", "the build itself: Maven's package phase made target/coralmux-relay.jar before "
          + "failsafe runs this test",
      "mvn verify", "the test suite itself, which runs this test",
      "sudo apt-get install -y redis-server redis-sentinel nginx pebble openssl chromium chromium-driver "
          + "python3-websockets python3-cryptography iproute2 iptables",
      "needs root and the network; .ci/run installs these packages before the suite");

  /** The README's package list is CI's: a tool CI installs that the README does not name would surprise a newcomer. */
  @Test
  void theReadmeInstallsWhatCiInstalls() throws Exception {
    String ci = java.nio.file.Files.readString(java.nio.file.Path.of(".ci/run"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("apt-get install -y -qq ([^>]+)>").matcher(ci);
    assertTrue(m.find(), ".ci/run installs packages with apt-get");
    String readme = EXCLUDED.keySet().stream().filter(k -> k.startsWith("sudo apt-get")).findFirst().orElseThrow();
    assertEquals(new java.util.TreeSet<>(List.of(m.group(1).trim().split("\\s+"))),
        new java.util.TreeSet<>(List.of(readme.replace("sudo apt-get install -y ", "").split("\\s+"))));
  }

  /** The documents whose bash blocks are run, in this order; each is its own shell session. */
  static final List<String> DOCS = List.of("README.md", "examples/python/README.md");

  static final String RELAY = "java -jar target/coralmux-relay.jar";
  static final String LAN_RELAY = "java -jar target/coralmux-relay.jar serve --config lan.json";
  static final String ECHO_AGENT = "java -jar target/coralmux-relay.jar agent --token $TOKEN --echo &";
  static final String OPENAI_AGENT = "java -jar target/coralmux-relay.jar agent --token $TOKEN \\\n"
      + "  --openai-base-url https://api.openai.com/v1 --model gpt-4o-mini &";
  static final String CHAT = "java -jar target/coralmux-relay.jar chat --token $TOKEN";
  static final String CHAT_ONCE = "java -jar target/coralmux-relay.jar chat --token $TOKEN --message \"hello\"";
  static final String CHAT_TLS = "java -jar target/coralmux-relay.jar chat --token $TOKEN --message \"hello over TLS\"";
  static final String FIRST_PAIR = "curl -s -X POST http://127.0.0.1:8080/api/v1/pair -H \"X-Admin-Key: $ADMIN_KEY\"";
  static final String CREATE_WITH_LIMITS = "curl -s -X POST $R/api/v1/pair -H \"$K\" -H \"$J\" -d '{\"label\":\"my phone\","
      + "\"expires_in_s\":2592000,\n  \"limits\":{\"daily_bytes\":100000000,\"phone_per_min\":60}}'";
  static final String REVOKE_TOKEN = "curl -s -X DELETE $R/api/v1/pair/oc_pair_... -H \"$K\"";
  static final String REVOKE_ID = "curl -s -X DELETE $R/api/v1/pair/63fbdd0514808279 -H \"$K\"";
  static final String INVITE = "curl -s -X POST $R/api/v1/invite -H \"$J\" -d '{\"token\":\"oc_pair_...\"}'";
  static final String QR_FILES = "curl -s $R/api/v1/pair/oc_pair_.../qr.svg > pair.svg; curl -s $R/api/v1/pair/oc_pair_.../qr.png > pair.png";
  static final String QR_CHAT = "curl -s \"$R/api/v1/pair/oc_pair_.../qr.png?for=chat\" > chat.png";
  static final String REGISTER = "curl -s -X POST $R/api/v1/register";
  static final String SESSION = "S=$(curl -s -X POST $R/api/v1/admin/session -H \"$K\" -c cookies.txt | sed 's/.*\"session\":\"\\([0-9a-f]*\\)\".*/\\1/')";
  static final String LIVE = "curl -sN $R/api/v1/admin/live -b cookies.txt";
  static final String LOGOUT = "curl -s -X DELETE $R/api/v1/admin/session -H \"Authorization: Bearer $S\"";
  static final String CLUSTER_UP = "scripts/cluster-up.sh";
  static final String ENDPOINTS = "cat target/cluster/endpoints.json";
  static final String CLUSTER_DOWN = "scripts/cluster-down.sh";
  static final String PY_TOKEN = "TOKEN=$(RELAY_URL=http://127.0.0.1:8080 RELAY_ADMIN_KEY=$(cat data/admin.key) \\\n"
      + "  java -jar target/coralmux-relay.jar token create --label python | head -1)";
  static final String PY_AGENT = "RELAY_URL=ws://127.0.0.1:8080/ws RELAY_TOKEN=$TOKEN python3 examples/python/agent.py &";
  static final String PY_CHAT = "java -jar target/coralmux-relay.jar chat --relay http://127.0.0.1:8080 --token $TOKEN "
      + "--message \"hello\"";

  /** One command: its document, its block there (0-based), its text, and the output shown for it (or ""). */
  record Cmd(String doc, int block, String text, String shown) {}

  record Result(int exit, String out, String err) {}

  interface Handler {
    void run(Cmd c) throws Exception;
  }

  private Path work;
  private final int port = RelayProcess.freePort();
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> freshEnv = new HashMap<>();
  private final Map<String, Process> background = new LinkedHashMap<>();
  private final List<Path> relayLogs = new ArrayList<>();
  private final Map<String, Handler> handlers = new LinkedHashMap<>();
  private final List<Handler> afterBlock = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<JsonObject> llmSaw = new AtomicReference<>();
  private String llmBase;
  private String tokenA;
  private String tokenB;
  private String revokeId;
  private String inviteCode;
  private String fingerprint;
  private boolean clusterUp;
  private int step;

  // ------------------------------------------------------------------ extraction

  /** Every command of README.md's bash blocks, in order. */
  static List<Cmd> commands(String doc, String markdown) {
    List<Cmd> out = new ArrayList<>();
    int block = -1;
    boolean in = false;
    StringBuilder pending = null;
    for (String line : markdown.split("\n", -1)) {
      if (!in) {
        if (line.strip().equals("```bash")) {
          in = true;
          block++;
        }
        continue;
      }
      if (pending == null && line.strip().equals("```")) {
        in = false;
        continue;
      }
      if (pending != null) {
        pending.append('\n').append(line);
      } else {
        String t = line.strip();
        if (t.isEmpty()) continue;
        if (t.startsWith("#")) { // a comment: the output the README shows for the command before it, or prose
          if (!out.isEmpty() && out.get(out.size() - 1).block() == block && t.matches("#\\s*(\\d{3}\\s+)?\\{.*")) {
            Cmd last = out.remove(out.size() - 1);
            out.add(new Cmd(doc, last.block(), last.text(), last.shown() + " " + t));
          }
          continue;
        }
        pending = new StringBuilder(line);
      }
      if (open(pending.toString())) continue;
      String[] code = splitComment(pending.toString());
      pending = null;
      String[] parts = code[0].strip().split(" && ");
      for (int i = 0; i < parts.length; i++) {
        out.add(new Cmd(doc, block, parts[i].strip(), i == parts.length - 1 && code[1].matches("(\\d{3}\\s+)?\\{.*") ? code[1] : ""));
      }
    }
    return out;
  }

  /** Whether a line continues: an unclosed quote, or a trailing backslash (comments do not count). */
  static boolean open(String s) {
    int r = scan(s, false);
    return r == OPEN_QUOTE || r != COMMENT_TO_END && s.endsWith("\\");
  }

  /** The command and its trailing comment ("" if none): a {@code #} after a space, outside quotes. */
  static String[] splitComment(String s) {
    int i = scan(s, true);
    return i >= 0 ? new String[] {s.substring(0, i).strip(), s.substring(i + 1).strip()} : new String[] {s, ""};
  }

  private static final int OPEN_QUOTE = -2;
  private static final int COMMENT_TO_END = -3;

  /**
   * Reads shell text as bash quotes it. With {@code stopAtComment}: the index of the first comment's
   * {@code #} (a {@code #} after whitespace, outside quotes), or -1. Without: comments are skipped to
   * their line's end (their quotes are prose), and the result is {@link #OPEN_QUOTE} when a quote is
   * still open at the end, {@link #COMMENT_TO_END} when the text ends in a comment, else -1.
   */
  private static int scan(String s, boolean stopAtComment) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote == '\'') {
        if (c == '\'') quote = 0;
      } else if (c == '\\') {
        i++;
      } else if (quote == '"') {
        if (c == '"') quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#' && i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
        if (stopAtComment) return i;
        int eol = s.indexOf('\n', i);
        if (eol < 0) return COMMENT_TO_END; // its quotes and backslashes are prose
        i = eol;
      }
    }
    return quote != 0 && !stopAtComment ? OPEN_QUOTE : -1;
  }

  /**
   * The commands of README.md, then of the docs it sends a newcomer to that have commands to run
   * (the Python agent's README; docs/operations.md's {@code docker}/{@code kubectl} recipes need a
   * Docker engine and a cluster, which CI has not: DeploymentManifestsTest checks those files).
   */
  static List<Cmd> readme() throws IOException {
    List<Cmd> all = new ArrayList<>();
    for (String doc : DOCS) all.addAll(commands(doc, Files.readString(Path.of(doc))));
    return all;
  }

  // ------------------------------------------------------------------ the tests

  @Test
  void theExtractorSeesEveryCommandAndEveryExclusionAndHandlerNamesACurrentOne() throws Exception {
    List<Cmd> all = readme();
    Set<String> texts = new LinkedHashSet<>();
    all.forEach(c -> texts.add(c.text()));
    assertTrue(all.size() > 40, "README commands found: " + all.size());
    assertTrue(texts.contains(RELAY) && texts.contains(LAN_RELAY) && texts.contains(CREATE_WITH_LIMITS)
        && texts.contains(PY_TOKEN) && texts.contains(PY_AGENT), texts::toString);
    for (Map.Entry<String, String> e : EXCLUDED.entrySet()) {
      assertTrue(texts.contains(e.getKey()), "excluded, but not in the README (any more): " + e.getKey());
      assertFalse(e.getValue().isBlank(), "an exclusion needs its reason: " + e.getKey());
    }
    registerHandlers();
    for (String h : handlers.keySet()) assertTrue(texts.contains(h), "a handler for a command not in the README: " + h);
    assertEquals("{\"id\":\"63fbdd0514808279\",\"label\":\"\",\"created_at\":\"...\",\"expires_at\":null,\"limits\":{...},"
        + "\"token\":\"oc_pair_112c...\"}", all.stream().filter(c -> c.text().equals(FIRST_PAIR)).findFirst().orElseThrow()
        .shown().replaceFirst("^\\s*#\\s*", ""), "the output shown after a command is read");
  }

  @Test
  void everyReadmeCommandRunsAsWritten() throws Exception {
    List<Cmd> all = readme();
    registerHandlers();
    setUpFreshClone();
    HttpServer llm = fakeOpenAi();
    Set<String> ran = new LinkedHashSet<>();
    Set<String> excluded = new LinkedHashSet<>();
    try {
      int block = -1;
      String doc = DOCS.get(0);
      for (Cmd c : all) {
        if (c.block() != block || !c.doc().equals(doc)) {
          runAfterBlock();
          block = c.block();
        }
        if (!c.doc().equals(doc)) { // a new document: a new terminal, with nothing set by the one before
          doc = c.doc();
          env.clear();
          env.putAll(freshEnv);
        }
        if (EXCLUDED.containsKey(c.text())) {
          excluded.add(c.text());
          continue;
        }
        handlers.getOrDefault(c.text(), this::runAndCheck).run(c);
        ran.add(c.text());
      }
      runAfterBlock();
    } finally {
      stopAll();
      if (clusterUp) sh("scripts/cluster-down.sh", null, 120);
      llm.stop(0);
      for (Path log : relayLogs) {
        if (Files.exists(log)) LogScan.scan("README relay " + log.getFileName(), Files.readString(log));
      }
    }
    Set<String> every = new LinkedHashSet<>();
    all.forEach(c -> every.add(c.text()));
    Set<String> neither = new LinkedHashSet<>(every);
    neither.removeAll(ran);
    neither.removeAll(excluded);
    assertTrue(neither.isEmpty(), "README commands neither run nor excluded: " + neither);
    assertEquals(EXCLUDED.keySet(), excluded, "every exclusion is a README command");
    deleteTree(work); // kept when the test fails, for a look at each command's output (.out-N, .err-N, .bg-*.log)
  }

  // ------------------------------------------------------------------ what is special about some commands

  private void registerHandlers() {
    handlers.clear();
    handlers.put(RELAY, c -> {
      startRelay("relay", c);
      assertTrue(read(log("relay")).contains("Generated an admin key"), "first start makes and prints the key");
    });
    handlers.put(FIRST_PAIR, c -> tokenA = new JsonObject(runAndCheck(c).out()).getString("token"));
    handlers.put(CREATE_WITH_LIMITS, c -> {
      JsonObject created = new JsonObject(runAndCheck(c).out());
      assertEquals("my phone", created.getString("label"));
      assertEquals(60, created.getJsonObject("limits").getInteger("phone_per_min"));
      tokenB = created.getString("token");
    });
    handlers.put(REVOKE_TOKEN, c -> {
      Result r = runAndCheck(new Cmd(c.doc(), c.block(), c.text().replace("oc_pair_...", tokenB), c.shown()));
      assertEquals("", r.out(), "204, no body");
      assertEquals(404, get("/api/v1/pair/" + tokenB).statusCode(), "the token is gone");
    });
    handlers.put(REVOKE_ID, c -> {
      JsonObject created = adminCreate();
      revokeId = created.getString("id");
      Result r = runAndCheck(new Cmd(c.doc(), c.block(), c.text().replace("63fbdd0514808279", revokeId), c.shown()));
      assertEquals("", r.out(), "204, no body");
      assertEquals(404, get("/api/v1/pair/" + created.getString("token")).statusCode(), "revoked by its id");
    });
    handlers.put(INVITE, c -> inviteCode = new JsonObject(runAndCheck(c).out()).getString("code"));
    handlers.put(QR_FILES, c -> {
      runAndCheck(c);
      assertTrue(Files.readString(work.resolve("pair.svg")).startsWith("<svg"), "an SVG");
      assertPng(work.resolve("pair.png"));
    });
    handlers.put(QR_CHAT, c -> {
      runAndCheck(c);
      assertPng(work.resolve("chat.png"));
    });
    handlers.put(REGISTER, c -> {
      Result r = run(c, null);
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().contains("\"code\""), "off by default, as the README says: " + r.out());
    });
    handlers.put(SESSION, c -> {
      runAndCheck(c);
      assertTrue(env.getOrDefault("S", "").matches("[0-9a-f]{16,}"), "S holds the session id");
    });
    handlers.put(LIVE, c -> {
      startBackground("live", c, "data:");
    });
    handlers.put(LOGOUT, c -> {
      runAndCheck(c);
      Process live = background.remove("live");
      assertNotNull(live, "the live stream was started before");
      assertTrue(live.waitFor(20, TimeUnit.SECONDS), "logging out ends the open live stream");
    });
    handlers.put(ECHO_AGENT, c -> {
      stop("agent");
      startBackground("agent", c, "agent connected");
    });
    handlers.put(OPENAI_AGENT, c -> afterBlock.add(x -> { // one agent per token: the bridge after the echo agent's chats
      stop("agent");
      startBackground("agent", c, "agent connected");
      Result r = run(new Cmd(c.doc(), c.block(), CHAT_ONCE, ""), null);
      assertEquals(0, r.exit(), redact(r.err()));
      assertEquals("Bonjour, le monde", r.out().strip(), "the model's streamed answer");
      JsonObject saw = llmSaw.get();
      assertEquals("gpt-4o-mini", saw.getString("model"));
      assertEquals("Bearer sk-readme-test", saw.getString("authorization"), "the key from OPENAI_API_KEY");
      assertEquals("hello", saw.getString("question"));
      stop("agent");
    }));
    handlers.put(CHAT, c -> {
      Result r = run(c, "hello from the README test\n");
      assertEquals(0, r.exit(), redact(r.err()));
      assertTrue(r.out().contains("hello from the README test"), "the echo agent's reply: " + r.out());
      noStackTrace(r);
    });
    handlers.put(CHAT_ONCE, c -> assertEquals("hello", runAndCheck(c).out().strip(), "the echo agent's reply"));
    handlers.put(LAN_RELAY, c -> {
      stopAll(); // the plain relay (same port) and its agent
      startRelay("lan", c);
      // The QR code follows the "listening" line; on a loaded machine it may not be written yet.
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> read(log("lan")).contains("as a QR code") && read(log("lan")).contains("█"));
      String out = read(log("lan"));
      Matcher m = Pattern.compile("fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})").matcher(out);
      assertTrue(m.find(), "the fingerprint is printed: " + out);
      fingerprint = m.group(1);
      assertTrue(out.contains("as a QR code") && out.contains("█"), "and shown as a QR code: " + out);
    });
    handlers.put(CHAT_TLS, c -> {
      assertEquals("hello over TLS", runAndCheck(c).out().strip(), "the pinned agent's reply over wss");
      // The same command with a wrong pin, and with none: one line each, saying what to do.
      String wrong = "0C:1E:" + "5A:".repeat(29) + "77";
      Result bad = sh("RELAY_CERT_SHA256=" + wrong + " " + sub(c.text()), null, 120);
      assertEquals(1, bad.exit());
      assertTrue(bad.err().startsWith("error: UNTRUSTED_CERTIFICATE: ") && bad.err().contains(fingerprint), redact(bad.err()));
      Result none = sh("(unset RELAY_CERT_SHA256; " + sub(c.text()) + ")", null, 120);
      assertEquals(1, none.exit());
      assertTrue(none.err().contains("--cert-sha256 HEX") && none.err().contains("RELAY_CERT_SHA256"), redact(none.err()));
      Result agent = sh("RELAY_CERT_SHA256=" + wrong + " " + sub(ECHO_AGENT.replace(" &", "")), null, 120);
      assertEquals(1, agent.exit(), "the agent gives up on a wrong pin");
      for (Result r : List.of(bad, none, agent)) {
        assertEquals(1, r.err().strip().lines().filter(l -> !l.isBlank()).count(), "one line: " + redact(r.err()));
        noStackTrace(r);
      }
    });
    handlers.put(CLUSTER_UP, c -> {
      for (String tool : List.of("redis-server", "nginx")) ExternalTools.require(tool, "the README's cluster commands");
      stopAll(); // two cores: the cluster needs them more than the relay from the sections before
      env.put("BASE_PORT", String.valueOf(freeBase()));
      clusterUp = true;
      Result r = sh(sub(c.text()), null, 240);
      assertEquals(0, r.exit(), "cluster-up: " + redact(r.out() + r.err()));
    });
    handlers.put(ENDPOINTS, c -> {
      JsonObject endpoints = new JsonObject(runAndCheck(c).out());
      assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoints.getString("lb") + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the load balancer answers");
    });
    handlers.put(PY_TOKEN, c -> {
      stopAll();
      if (clusterUp) fail("the cluster is still up");
      startRelay("relay-python", new Cmd(c.doc(), c.block(), RELAY, "")); // "with a relay running on 127.0.0.1:8080"
      runAndCheck(c);
      assertTrue(env.getOrDefault("TOKEN", "").matches("oc_pair_[0-9a-f]{32,}"), "TOKEN holds a new token");
    });
    handlers.put(PY_AGENT, c -> {
      // python3 as written, but the one with websockets and cryptography (Debian's, as CI installs them) first on the PATH
      String python = ExternalTools.requirePython("the Python agent README's commands", "python3-websockets python3-cryptography",
          "websockets", "cryptography");
      String path = env.get("PATH");
      env.put("PATH", Path.of(python).getParent() + ":" + path);
      try {
        startBackground("agent", c, "<- auth.ok");
      } finally {
        env.put("PATH", path);
      }
    });
    handlers.put(PY_CHAT, c -> assertEquals("echo: hello", runAndCheck(c).out().strip(), "the Python agent's encrypted reply"));
    handlers.put(CLUSTER_DOWN, c -> {
      runAndCheck(c);
      clusterUp = false;
    });
  }

  // ------------------------------------------------------------------ running

  private void setUpFreshClone() throws IOException {
    work = Files.createTempDirectory("coralmux-readme");
    copyTree(Path.of("conf"), work.resolve("conf"));
    copyTree(Path.of("scripts"), work.resolve("scripts"));
    copyTree(Path.of("examples"), work.resolve("examples"));
    Files.createDirectories(work.resolve("target"));
    Files.createSymbolicLink(work.resolve("target/coralmux-relay.jar"), RelayProcess.jar());
    env.putAll(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("RELAY_") || k.startsWith("OPENAI_") || k.equals("BASE_PORT"));
    env.put("RELAY_PORT", String.valueOf(port));
    env.put("OPENAI_API_KEY", "sk-readme-test");
    freshEnv.putAll(env);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** The README's placeholders replaced by this run's values (see the class comment). */
  private String sub(String text) {
    String s = text.replace("8080", String.valueOf(port)).replace("https://api.openai.com/v1", llmBase)
        .replace("192.168.1.20", "127.0.0.1");
    if (fingerprint != null) s = s.replace("0C:1E:…", fingerprint);
    if (tokenA != null) s = s.replace("oc_pair_...", tokenA);
    if (inviteCode != null) s = s.replace("K7M2QX", inviteCode);
    return s;
  }

  /** Runs a command in the session; what it sets or exports stays set for the next ones. */
  private Result run(Cmd c, String stdin) throws Exception {
    return sh(sub(c.text()), stdin, 120);
  }

  /** The default: exit 0, no stack trace, no error JSON, and every key of the JSON the README shows. */
  private Result runAndCheck(Cmd c) throws Exception {
    Result r = run(c, null);
    assertEquals(0, r.exit(), "README command failed: " + c.text() + "\n" + redact(r.out() + r.err()));
    noStackTrace(r);
    assertFalse(r.out().startsWith("{\"code\"") && r.out().contains("\"message\""), "an error answer to " + c.text() + ": " + redact(r.out()));
    Matcher keys = Pattern.compile("\"([a-z_]+)\"").matcher(c.shown());
    while (keys.find()) {
      assertTrue(r.out().contains("\"" + keys.group(1) + "\""), c.text() + ": the README shows \"" + keys.group(1)
          + "\" in its output: " + redact(r.out()));
    }
    return r;
  }

  private Result sh(String script, String stdin, int timeoutSeconds) throws Exception {
    step++;
    Path out = work.resolve(".out-" + step);
    Path err = work.resolve(".err-" + step);
    Path in = work.resolve(".in-" + step);
    Path state = work.resolve(".env-" + step);
    Files.writeString(in, stdin == null ? "" : stdin);
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -a\n" + script + "\n__rc=$?\nenv -0 > '" + state + "'\nexit $__rc")
        .directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(in.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after " + timeoutSeconds + " s (a long-running README command needs a "
            + "handler that starts and stops it): " + redact(script));
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    if (Files.exists(state)) {
      Map<String, String> after = new HashMap<>();
      for (String kv : Files.readString(state).split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0) after.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      after.keySet().removeAll(Set.of("_", "SHLVL", "PWD", "OLDPWD", "__rc"));
      env.clear();
      env.putAll(after);
    }
    return new Result(p.exitValue(), read(out), read(err));
  }

  /** Starts a long-running command and waits for {@code ready} in its output; {@link #stop} ends it and what it started. */
  private String startBackground(String name, Cmd c, String ready) throws Exception {
    String text = sub(c.text());
    if (text.endsWith("&")) text = text.substring(0, text.length() - 1).strip();
    Path log = log(name);
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -a\n" + text).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    background.put(name, pb.start());
    Process p = background.get(name);
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!p.isAlive() && !read(log).contains(ready)) throw new AssertionError(c.text() + " ended: " + redact(read(log)));
      return read(log).contains(ready);
    });
    return read(log);
  }

  private String startRelay(String name, Cmd c) throws Exception {
    relayLogs.add(log(name));
    String out = startBackground(name, c, "listening on");
    assertTrue(out.contains("listening on 0.0.0.0:" + port), "on the README's port (substituted): " + out);
    return out;
  }

  private Path log(String name) {
    return work.resolve(".bg-" + name + ".log");
  }

  private void runAfterBlock() throws Exception {
    List<Handler> later = new ArrayList<>(afterBlock);
    afterBlock.clear();
    for (Handler h : later) h.run(null);
  }

  private void stop(String name) throws InterruptedException {
    Process p = background.remove(name);
    if (p == null) return;
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  private void stopAll() throws InterruptedException {
    for (String name : new ArrayList<>(background.keySet())) stop(name);
  }

  // ------------------------------------------------------------------ helpers

  private HttpServer fakeOpenAi() throws IOException {
    HttpServer llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    llm.createContext("/v1/chat/completions", ex -> {
      JsonObject req = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      JsonArray messages = req.getJsonArray("messages");
      llmSaw.set(new JsonObject().put("model", req.getString("model"))
          .put("authorization", ex.getRequestHeaders().getFirst("Authorization"))
          .put("question", messages.getJsonObject(messages.size() - 1).getString("content")));
      ex.getResponseHeaders().add("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream o = ex.getResponseBody()) {
        for (String d : List.of("Bonjour", ", ", "le ", "monde")) {
          JsonObject chunk = new JsonObject().put("choices", new JsonArray()
              .add(new JsonObject().put("index", 0).put("delta", new JsonObject().put("content", d))));
          o.write(("data: " + chunk.encode() + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        o.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
    });
    llm.start();
    llmBase = "http://127.0.0.1:" + llm.getAddress().getPort() + "/v1";
    return llm;
  }

  private String adminKey() throws IOException {
    return Files.readString(work.resolve("data/admin.key")).strip();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("X-Admin-Key", adminKey())
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject adminCreate() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/pair"))
        .header("X-Admin-Key", adminKey()).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode());
    return new JsonObject(r.body());
  }

  private static void assertPng(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    assertTrue(b.length > 8 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', file + " is a PNG");
  }

  private static void noStackTrace(Result r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + redact(r.err()));
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  /** Failure messages go to the test reports: never a whole token there. */
  static String redact(String s) {
    return s.replaceAll("oc_pair_[0-9a-f]{8,}", "oc_pair_<redacted>");
  }

  private static int freeBase() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + new java.util.Random().nextInt(20_000);
      boolean free = true;
      for (int p = base; p <= base + 22 && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) return base;
    }
    throw new IllegalStateException("no free port range");
  }
}
