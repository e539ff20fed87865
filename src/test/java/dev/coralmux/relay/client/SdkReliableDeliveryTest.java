package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.Blackhole;
import dev.coralmux.relay.support.TestRelay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK with its defaults (E2E on, reliable delivery on) against a real relay: what a phone
 * app on a flaky network gets, decrypted, exactly once and in order.
 */
class SdkReliableDeliveryTest {

  /** Records what the app sees. */
  static final class App implements RelayListener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<String> acks = new CopyOnWriteArrayList<>();
    final List<Boolean> resumes = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(RelayMessage m) {
      if (m.type().equals("chat.done")) texts.add(m.payload().getString("full_text", m.payload().getString("text")));
    }

    @Override
    public void onAck(String messageId, String state) {
      acks.add(state);
    }

    @Override
    public void onResumed(int replayed, boolean complete) {
      resumes.add(complete);
    }
  }

  private static ClientOptions fast(String url, String token, Role role) {
    return ClientOptions.of(url, token, role).withBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void encryptedRepliesSurviveALostNetworkAndAnOfflinePhoneExactlyOnceInOrder() throws Exception {
    try (TestRelay relay = TestRelay.start(); Blackhole net = new Blackhole(relay.port())) {
      String token = relay.createToken();
      App phoneApp = new App();
      App agentApp = new App();
      try (RelayClient phone = RelayClient.start(fast(net.wsUrl(), token, Role.PHONE), phoneApp);
           RelayClient agent = RelayClient.start(fast(relay.wsUrl(), token, Role.AGENT), agentApp)) {
        await(phone.connected());
        await(agent.connected());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> phone.isEncrypted() && agent.isEncrypted());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          sent.add("reply " + i);
          await(agent.sendDone("reply " + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> phoneApp.texts.size() >= 5);
        net.cut(); // the phone's network goes silent: the relay keeps writing into the void
        for (int i = 10; i < 20; i++) {
          sent.add("reply " + i);
          agent.sendDone("reply " + i);
        }
        net.dropAll(); // the phone's OS notices; the SDK reconnects and resumes
        for (int i = 20; i < 30; i++) {
          sent.add("reply " + i);
          agent.sendDone("reply " + i);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> phoneApp.texts.size() >= sent.size());
        assertEquals(sent, phoneApp.texts, "every reply once, in order, decrypted");
        assertTrue(phoneApp.resumes.contains(true), "the phone resumed with nothing missing");

        // The phone app is closed; the agent answers anyway: stored, not an error.
        await(phone.stop());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !agent.isPeerOnline());
        await(agent.sendDone("while you were away"));
        assertTrue(agentApp.acks.contains("stored"), agentApp.acks::toString);
      }
    }
  }
}
