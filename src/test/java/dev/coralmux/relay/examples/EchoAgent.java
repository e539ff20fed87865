package dev.coralmux.relay.examples;

// README:begin
import dev.coralmux.relay.client.ClientOptions;
import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.protocol.Role;

/** An agent that answers every chat message by streaming it back, end-to-end encrypted. */
public class EchoAgent {
  public static RelayClient start(String relayUrl, String token) {
    RelayClient[] agent = new RelayClient[1];
    agent[0] = RelayClient.start(ClientOptions.of(relayUrl, token, Role.AGENT), new RelayListener() {
      @Override
      public void onMessage(RelayMessage m) {
        if (!m.type().equals("chat.send")) return;
        String text = m.payload().getString("text");
        String[] words = text.split("(?<= )");
        for (int i = 0; i < words.length; i++) agent[0].sendStream(words[i], i + 1);
        agent[0].sendDone(text);
      }
    });
    return agent[0];
  }

  public static void main(String[] args) throws InterruptedException {
    // java -cp coralmux-relay.jar:. EchoAgent http://127.0.0.1:8080 oc_pair_...
    start(args[0], args[1]);
    Thread.currentThread().join();
  }
}
// README:end
