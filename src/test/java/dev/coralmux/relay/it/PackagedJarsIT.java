package dev.coralmux.relay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.ClientOptions;
import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.JarCommand;
import dev.coralmux.relay.support.TestRelay;
import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The three jars hold what they promise: the relay no bench code, the bench jar runs on its own,
 * and the SDK jar is enough, with vertx-core and Bouncy Castle, to compile and run the README's agent.
 */
class PackagedJarsIT {
  /** What the SDK's POM brings: vertx-core and its dependencies (Netty, jackson-core), and bcprov. */
  private static final List<String> SDK_DEPENDENCIES = List.of("/io/vertx/vertx-core/", "/io/vertx/vertx-core-logging/",
      "/io/netty/", "/com/fasterxml/jackson/core/jackson-core/", "/org/bouncycastle/bcprov-jdk18on/");

  private static Path jar(String property) {
    Path p = Path.of(System.getProperty(property)).toAbsolutePath();
    assertTrue(Files.isRegularFile(p), property + " is not built: " + p);
    return p;
  }

  private static List<String> classes(Path jar) throws Exception {
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).collect(Collectors.toList());
    }
  }

  @Test
  void theRelayJarShipsNoBenchCode() throws Exception {
    List<String> relay = classes(jar("relay.jar"));
    assertTrue(relay.contains("dev/coralmux/relay/cli/Main.class"));
    assertEquals(List.of(), relay.stream().filter(n -> n.startsWith("dev/coralmux/relay/bench/")
        || n.startsWith("org/HdrHistogram/")).collect(Collectors.toList()));
    JarCommand.Result bench = JarCommand.run(Map.of(), "bench");
    assertNotEquals(0, bench.exitCode(), "bench is no command of the relay");
    assertTrue(bench.stderr().contains("bench"), bench.stderr());
  }

  @Test
  void theBenchJarRunsOnItsOwn() throws Exception {
    Path bench = jar("bench.jar");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        bench.toString(), "idle", "--help").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("--relay-pid"), out);
  }

  @Test
  void theSdkJarHoldsOnlyClientAndProtocol() throws Exception {
    List<String> sdk = classes(jar("sdk.jar"));
    assertTrue(sdk.contains("dev/coralmux/relay/client/RelayClient.class"));
    assertEquals(List.of(), sdk.stream().filter(n -> !n.startsWith("dev/coralmux/relay/client/")
        && !n.startsWith("dev/coralmux/relay/protocol/")).collect(Collectors.toList()));
  }

  @Test
  void theReadmeAgentCompilesAndRunsOnTheSdkAlone() throws Exception {
    List<String> path = new ArrayList<>(List.of(jar("sdk.jar").toString()));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (SDK_DEPENDENCIES.stream().anyMatch(d -> entry.replace(File.separatorChar, '/').contains(d))) path.add(entry);
    }
    assertEquals(SDK_DEPENDENCIES.size(), SDK_DEPENDENCIES.stream()
        .filter(d -> path.stream().anyMatch(e -> e.replace(File.separatorChar, '/').contains(d))).count(), path::toString);

    Path classes = Files.createTempDirectory("echo-agent");
    StringWriter errors = new StringWriter();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      boolean compiled = javac.getTask(errors, files, null,
          List.of("--release", "17", "-proc:none", "-classpath", String.join(File.pathSeparator, path), "-d", classes.toString()),
          null, files.getJavaFileObjects(Path.of("src/test/java/dev/coralmux/relay/examples/EchoAgent.java"))).call();
      assertTrue(compiled, "EchoAgent needs more than the SDK and its POM's dependencies:\n" + errors);
    }

    path.add(0, classes.toString());
    Path log = classes.resolve("agent.log");
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", String.join(File.pathSeparator, path), "dev.coralmux.relay.examples.EchoAgent", relay.httpUrl(), token)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      CompletableFuture<Void> encrypted = new CompletableFuture<>();
      CompletableFuture<String> done = new CompletableFuture<>();
      try (RelayClient phone = RelayClient.start(ClientOptions.of(relay.httpUrl(), token, Role.PHONE), new RelayListener() {
        @Override
        public void onEncrypted() {
          encrypted.complete(null);
        }

        @Override
        public void onMessage(RelayMessage m) {
          if (m.type().equals("chat.done") && m.encrypted()) done.complete(m.payload().getString("full_text"));
        }
      })) {
        encrypted.get(60, TimeUnit.SECONDS); // the agent process is up and agreed a key with the phone
        phone.sendChat("only the sdk").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("only the sdk", done.get(20, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new AssertionError("the agent on the SDK alone did not answer; its output:\n" + Files.readString(log), e);
      } finally {
        agent.destroyForcibly();
        agent.waitFor(30, TimeUnit.SECONDS);
      }
      String out = Files.readString(log);
      assertFalse(out.contains("NoClassDefFoundError") || out.contains("ClassNotFoundException"), out);
    }
  }
}
