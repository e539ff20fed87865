package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.coralmux.relay.support.JarCommand;
import dev.coralmux.relay.support.RelayProcess;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar's client commands end to end against the packaged relay: {@code token}, {@code agent}
 * ({@code --echo} and the OpenAI-compatible bridge) and {@code chat}, with E2E on, and a check
 * that nothing the relay logs or stores contains the conversation.
 */
class ClientCommandsIT {
  static final String ADMIN_KEY = "client-commands-it-admin-key-0123";
  static Path dir;
  static RelayProcess relay;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("coralmux-cli");
    relay = RelayProcess.start(dir, Map.of("RELAY_ADMIN_KEY", ADMIN_KEY, "RELAY_DATA_DIR", dir.resolve("data").toString()))
        .awaitListening();
    env = Map.of("RELAY_URL", relay.httpUrl(), "RELAY_ADMIN_KEY", ADMIN_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) relay.close();
  }

  static String createToken() throws Exception {
    JarCommand.Result r = JarCommand.run(env, "token", "create", "--label", "cli test");
    assertEquals(0, r.exitCode(), r.stderr());
    String first = r.stdout().lines().findFirst().orElseThrow();
    assertTrue(first.matches("oc_pair_[0-9a-f]{32}"), "first line is the token alone: " + r.stdout());
    return first;
  }

  static Map<String, String> with(String token) {
    return Map.of("RELAY_URL", relay.httpUrl(), "RELAY_TOKEN", token);
  }

  @Test
  void echoAgentAndChatStreamAReplyWithE2eAndTheRelaySeesNoPlaintext() throws Exception {
    String token = createToken();
    String secret = "the launch code is 7421 " + System.nanoTime();
    try (JarCommand agent = JarCommand.start(with(token), "agent", "--echo")) {
      JarCommand.Result chat = JarCommand.run(with(token), "chat", "--message", secret);
      assertEquals(0, chat.exitCode(), chat.stderr());
      assertEquals(secret, chat.stdout().strip());
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> agent.stderr().contains("end-to-end encryption on"));
    }
    // Relay-blind: neither the relay's output nor anything in its data directory holds the text.
    assertFalse(relay.output().contains(secret), "the relay logged the plaintext");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains("launch code"), f + " holds the plaintext");
      }
    }
    JarCommand.Result usage = JarCommand.run(env, "token", "usage", token);
    assertEquals(0, usage.exitCode());
    assertTrue(usage.stdout().contains("today:"), usage.stdout());
  }

  @Test
  void tokenListStatusAndRevoke() throws Exception {
    String token = createToken();
    JarCommand.Result list = JarCommand.run(env, "token", "list", "--json");
    assertEquals(0, list.exitCode(), list.stderr());
    assertFalse(list.stdout().contains(token), "lists show ids, never tokens");
    assertTrue(new JsonObject(list.stdout()).getJsonArray("tokens").size() >= 1);
    JarCommand.Result status = JarCommand.run(env, "token", "status", token);
    assertTrue(status.stdout().contains("phone: offline"), status.stdout());
    assertEquals(0, JarCommand.run(env, "token", "revoke", token).exitCode());
    JarCommand.Result chat = JarCommand.run(with(token), "chat", "--message", "hi", "--timeout", "20");
    assertEquals(1, chat.exitCode());
    assertTrue(chat.stderr().contains("UNAUTHORIZED"), chat.stderr());
    JarCommand.Result noKey = JarCommand.run(Map.of("RELAY_URL", relay.httpUrl()), "token", "create");
    assertEquals(1, noKey.exitCode());
    assertTrue(noKey.stderr().contains("UNAUTHORIZED"), noKey.stderr());
  }

  @Test
  void agentBridgesToAnOpenAiCompatibleStreamingEndpoint() throws Exception {
    AtomicReference<JsonObject> seen = new AtomicReference<>();
    HttpServer llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    llm.createContext("/v1/chat/completions", ex -> {
      JsonObject req = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      seen.set(req.put("authorization", ex.getRequestHeaders().getFirst("Authorization")));
      String question = req.getJsonArray("messages").getJsonObject(req.getJsonArray("messages").size() - 1).getString("content");
      if (question.contains("fail")) {
        byte[] body = "{\"error\":{\"message\":\"model overloaded\"}}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(503, body.length);
        ex.getResponseBody().write(body);
        ex.close();
        return;
      }
      ex.getResponseHeaders().add("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        for (String d : List.of("Bonjour", ", ", "le ", "monde")) {
          JsonObject chunk = new JsonObject().put("choices", new io.vertx.core.json.JsonArray()
              .add(new JsonObject().put("index", 0).put("delta", new JsonObject().put("content", d))));
          out.write(("data: " + chunk.encode() + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
    });
    llm.start();
    try {
      String token = createToken();
      String base = "http://127.0.0.1:" + llm.getAddress().getPort() + "/v1";
      try (JarCommand agent = JarCommand.start(with(token), "agent", "--openai-base-url", base,
          "--model", "test-model", "--api-key", "sk-test")) {
        JarCommand.Result chat = JarCommand.run(with(token), "chat", "--message", "say hello in French");
        assertEquals(0, chat.exitCode(), chat.stderr() + agent.stderr());
        assertFalse(chat.stderr().contains("SLF4J"), "a logging provider ships in the jar: " + chat.stderr());
        assertEquals("Bonjour, le monde", chat.stdout().strip());
        assertEquals("test-model", seen.get().getString("model"));
        assertEquals(Boolean.TRUE, seen.get().getBoolean("stream"));
        assertEquals("Bearer sk-test", seen.get().getString("authorization"));

        JarCommand.Result failing = JarCommand.run(with(token), "chat", "--message", "please fail");
        assertEquals(1, failing.exitCode());
        assertTrue(failing.stderr().contains("BACKEND_ERROR"), failing.stderr());
        assertTrue(failing.stderr().contains("503"), failing.stderr());
      }
    } finally {
      llm.stop(0);
    }
  }

  @Test
  void everyTokenCommandTakesTheTokenTheSameWaysAndErrorsAreOneClearLine() throws Exception {
    String token = createToken();
    // As an argument, with --token, or from RELAY_TOKEN — as the README says for every command.
    for (JarCommand.Result r : List.of(JarCommand.run(env, "token", "status", token),
        JarCommand.run(env, "token", "status", "--token", token),
        JarCommand.run(with(token), "token", "usage"))) {
      assertEquals(0, r.exitCode(), r.stderr());
      assertTrue(r.stdout().contains("phone: offline") || r.stdout().contains("today:"), r.stdout());
    }
    // The WebSocket URL the banner prints works as --relay too.
    JarCommand.Result viaWs = JarCommand.run(Map.of("RELAY_ADMIN_KEY", ADMIN_KEY), "token", "create",
        "--relay", "ws://127.0.0.1:" + relay.port + "/ws");
    assertEquals(0, viaWs.exitCode(), viaWs.stderr());
    // Wrong token, no relay: one line each, non-zero exit, never a stack trace.
    String wrong = "oc_pair_" + "0".repeat(40);
    JarCommand.Result agent = JarCommand.run(with(wrong), "agent", "--echo");
    assertEquals(1, agent.exitCode());
    assertTrue(agent.stderr().contains("UNAUTHORIZED"), agent.stderr());
    JarCommand.Result nowhere = JarCommand.run(Map.of("RELAY_URL", "http://127.0.0.1:1", "RELAY_TOKEN", wrong),
        "chat", "--message", "hi", "--timeout", "5");
    assertEquals(1, nowhere.exitCode());
    assertTrue(nowhere.stderr().contains("UNREACHABLE") && nowhere.stderr().contains("127.0.0.1:1"), nowhere.stderr());
    JarCommand.Result noToken = JarCommand.run(Map.of("RELAY_URL", relay.httpUrl()), "token", "status");
    assertEquals(1, noToken.exitCode());
    assertTrue(noToken.stderr().contains("--token"), noToken.stderr());
    for (JarCommand.Result r : List.of(agent, nowhere, noToken, viaWs)) {
      assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
    }
  }

  @Test
  void helpReadsWell() throws Exception {
    JarCommand.Result help = JarCommand.run(Map.of(), "--help");
    assertEquals(0, help.exitCode());
    for (String cmd : List.of("serve", "token", "agent", "chat")) assertTrue(help.stdout().contains(cmd), help.stdout());
    JarCommand.Result chatHelp = JarCommand.run(Map.of(), "chat", "--help");
    assertTrue(chatHelp.stdout().contains("--message") && chatHelp.stdout().contains("RELAY_TOKEN"), chatHelp.stdout());
  }
}
