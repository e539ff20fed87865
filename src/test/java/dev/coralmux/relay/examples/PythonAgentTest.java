package dev.coralmux.relay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.ClientOptions;
import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.RelayError;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.ExternalTools;
import dev.coralmux.relay.support.LogScan;
import dev.coralmux.relay.support.TestRelay;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The protocol page's example agent (examples/python/agent.py, written against docs/protocol.md
 * only) talks to the relay and to the Java SDK, end-to-end encrypted: a phone on the SDK with E2E
 * on (the default) accepts only what was sealed with the agreed key, so a reply in plaintext, or
 * under a key derived differently from the SDK's, never arrives and fails this test.
 */
class PythonAgentTest {
  private static final Path EXAMPLE = Path.of("examples", "python");

  private static String python() {
    return ExternalTools.requirePython("the Python example agent test", "python3-websockets python3-cryptography",
        "websockets", "cryptography");
  }

  @Test
  void theExampleMatchesTheE2eTestVectors() throws Exception {
    String python = python();
    Path vectors = Path.of("src", "test", "resources", "e2e-test-vectors.json").toAbsolutePath();
    Process p = new ProcessBuilder(python, "check_vectors.py", vectors.toString())
        .directory(EXAMPLE.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check_vectors.py did not finish");
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.startsWith("OK"), out);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void theExampleAgentAnswersAJavaPhoneEndToEndEncrypted() throws Exception {
    String python = python();
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      File agentLog = Files.createTempFile("python-agent", ".log").toFile();
      ProcessBuilder pb = new ProcessBuilder(python, "-u", "agent.py").directory(EXAMPLE.toFile())
          .redirectErrorStream(true).redirectOutput(agentLog);
      pb.environment().put("RELAY_URL", relay.wsUrl());
      pb.environment().put("RELAY_TOKEN", token);
      Process agent = pb.start();
      Phone seen = new Phone();
      try (RelayClient phone = RelayClient.start(ClientOptions.of(relay.httpUrl(), token, Role.PHONE), seen)) {
        seen.encrypted.get(30, TimeUnit.SECONDS); // both sides connected and a key agreed
        phone.sendChat("hello from java").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        RelayMessage stream = seen.next(agentLog);
        assertEquals("chat.stream", stream.type());
        assertTrue(stream.encrypted(), "the reply crossed the relay encrypted");
        assertEquals("echo: hello from java", stream.payload().getString("delta"));
        assertEquals(1, stream.payload().getInteger("seq"));
        RelayMessage done = seen.next(agentLog);
        assertEquals("chat.done", done.type());
        assertTrue(done.encrypted(), "the reply crossed the relay encrypted");
        assertEquals("echo: hello from java", done.payload().getString("full_text"));
        assertTrue(seen.errors.isEmpty(), "no relay or E2E errors: " + seen.errors);
        assertTrue(agent.isAlive(), "the agent keeps serving: " + Files.readString(agentLog.toPath()));
      } finally {
        agent.destroy();
        if (!agent.waitFor(5, TimeUnit.SECONDS)) agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      String relayOutput = relay.output.toString(StandardCharsets.UTF_8);
      String agentOutput = Files.readString(agentLog.toPath());
      Files.delete(agentLog.toPath());
      LogScan.scan("relay output", relayOutput);
      LogScan.scan("python agent", agentOutput);
      for (String log : new String[] {relayOutput, agentOutput}) {
        assertFalse(log.contains("hello from java"), "no plaintext in any log: " + log);
      }
      assertTrue(agentOutput.contains("<- chat.send"), agentOutput);
    }
  }

  /** The phone's view: decrypted messages, and every error (E2E_PLAINTEXT for a reply in clear). */
  private static final class Phone implements RelayListener {
    final BlockingQueue<RelayMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<RelayError> errors = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> encrypted = new CompletableFuture<>();

    @Override
    public void onEncrypted() {
      encrypted.complete(null);
    }

    @Override
    public void onMessage(RelayMessage m) {
      messages.add(m);
    }

    @Override
    public void onRelayError(RelayError e) {
      errors.add(e);
    }

    /** The next message; fails at once on an error (a plaintext reply is dropped and reported, never delivered). */
    RelayMessage next(File agentLog) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        RelayMessage m = messages.poll(100, TimeUnit.MILLISECONDS);
        // Errors and messages are queued in arrival order (one context): look at errors after the poll.
        RelayError e = errors.peek();
        if (e != null) throw new AssertionError("the phone refused the agent's reply: " + e + "\nagent: " + log(agentLog));
        if (m != null) return m;
      }
      throw new AssertionError("no reply within 20 s; agent: " + log(agentLog));
    }

    private static String log(File f) throws Exception {
      return Files.readString(f.toPath());
    }
  }
}
