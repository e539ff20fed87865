package dev.coralmux.relay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.ClientOptions;
import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.client.StreamAssembler;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.TestRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's Java SDK example is this compiled file, and it works against a real relay. */
class EchoAgentTest {

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/coralmux/relay/examples/EchoAgent.java"));
    String example = source.substring(source.indexOf("// README:begin\n") + 16, source.indexOf("// README:end"));
    assertTrue(Files.readString(Path.of("README.md")).contains(example), "README's Java SDK example is out of date");
  }

  @Test
  void theExampleAgentAnswersAnEncryptedChat() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      RelayClient agent = EchoAgent.start(relay.httpUrl(), token);
      // With E2E on, a phone that finds no agent fails its send at once (PEER_OFFLINE), so start the agent first.
      agent.connected().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      CompletableFuture<String> done = new CompletableFuture<>();
      StringBuilder streamed = new StringBuilder();
      StreamAssembler stream = new StreamAssembler(streamed::append);
      try (RelayClient phone = RelayClient.start(ClientOptions.of(relay.httpUrl(), token, Role.PHONE), new RelayListener() {
        @Override
        public void onMessage(RelayMessage m) {
          if (m.type().equals("chat.stream")) stream.chunk(m.payload().getInteger("seq"), m.payload().getString("delta"));
          if (m.type().equals("chat.done") && m.encrypted()) done.complete(m.payload().getString("full_text"));
        }
      })) {
        phone.sendChat("echo these few words").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("echo these few words", done.get(20, TimeUnit.SECONDS));
        assertEquals("echo these few words", streamed.toString());
      } finally {
        agent.close();
      }
    }
  }
}
