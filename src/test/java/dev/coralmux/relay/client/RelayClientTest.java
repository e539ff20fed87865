package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The Java SDK against a real relay: E2E, re-keying, relay errors, permanent auth failure, reconnects. */
class RelayClientTest {

  /** Records what a client reports, for assertions from the test thread. */
  static final class Recorder implements RelayListener {
    final BlockingQueue<RelayMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<RelayError> errors = new LinkedBlockingQueue<>();
    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger keys = new AtomicInteger();
    final CompletableFuture<String> authFailed = new CompletableFuture<>();

    @Override
    public void onConnected(JsonObject authOk) {
      connects.incrementAndGet();
    }

    @Override
    public void onEncrypted() {
      keys.incrementAndGet();
    }

    @Override
    public void onMessage(RelayMessage m) {
      messages.add(m);
    }

    @Override
    public void onRelayError(RelayError e) {
      errors.add(e);
    }

    @Override
    public void onAuthFailed(String code, String message) {
      authFailed.complete(code);
    }

    RelayMessage next() throws InterruptedException {
      RelayMessage m = messages.poll(20, TimeUnit.SECONDS);
      if (m == null) throw new AssertionError("no message within 20 s");
      return m;
    }

    RelayError nextError() throws InterruptedException {
      RelayError e = errors.poll(20, TimeUnit.SECONDS);
      if (e == null) throw new AssertionError("no error within 20 s");
      return e;
    }
  }

  static ClientOptions opts(TestRelay relay, String token, Role role) {
    return ClientOptions.of(relay.httpUrl(), token, role).withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  static void await(io.vertx.core.Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void encryptedChatAndRekeyWhenThePeerReconnects() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      Recorder agentSeen = new Recorder();
      try (RelayClient agent = RelayClient.start(opts(relay, token, Role.AGENT), agentSeen)) {
        await(agent.connected());
        Recorder phoneSeen = new Recorder();
        RelayClient phone = RelayClient.start(opts(relay, token, Role.PHONE), phoneSeen);
        await(phone.sendChat("안녕, agent")); // waits for the key exchange, then goes out encrypted
        RelayMessage m = agentSeen.next();
        assertEquals("chat.send", m.type());
        assertTrue(m.encrypted());
        assertEquals("안녕, agent", m.payload().getString("text"));
        await(agent.sendStream("Hi", 1));
        assertEquals("Hi", phoneSeen.next().payload().getString("delta"));
        phone.close();

        Recorder phone2Seen = new Recorder();
        try (RelayClient phone2 = RelayClient.start(opts(relay, token, Role.PHONE), phone2Seen)) {
          await(phone2.sendChat("new phone, new key"));
          RelayMessage again = agentSeen.next();
          assertTrue(again.encrypted());
          assertEquals("new phone, new key", again.payload().getString("text"));
          assertTrue(agentSeen.keys.get() >= 2, "the agent re-keyed for the new phone");
          await(agent.sendDone("ok"));
          assertEquals("ok", phone2Seen.next().payload().getString("full_text"));
        }
      }
    }
  }

  /**
   * Item 7 (E2E downgrade): the "agent" is a raw socket that agrees a real key with the SDK phone, then
   * sends plaintext. Plaintext is refused (E2E_PLAINTEXT) before and after the key, never delivered.
   */
  @Test
  void plaintextFromThePeerIsRefusedWhileEncryptionIsOn() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      Recorder phoneSeen = new Recorder();
      try (RelayClient phone = RelayClient.start(opts(relay, token, Role.PHONE), phoneSeen);
           WsClient agent = connectAfter(phone, relay, token)) {
        String phoneKey = nextOfType(agent, "key_exchange").getJsonObject("payload").getString("pubkey");
        String early = Envelopes.of("chat.done", new JsonObject().put("full_text", "before any key"));
        agent.send(early);
        RelayError beforeKey = phoneSeen.nextError();
        assertEquals("E2E_PLAINTEXT", beforeKey.code());
        assertEquals(new JsonObject(early).getString("id"), beforeKey.refId());

        E2eCrypto.KeyPair mine = E2eCrypto.KeyPair.generate();
        E2eCrypto.Session session = E2eCrypto.Session.derive(mine, phoneKey);
        agent.send(Envelopes.of("key_exchange", new JsonObject().put("pubkey", mine.publicKeyBase64())));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(phone::isEncrypted);
        agent.send(Envelopes.of("chat.done", session.encrypt(new JsonObject().put("full_text", "sealed 1").encode())));
        RelayMessage real = phoneSeen.next();
        assertTrue(real.encrypted());
        assertEquals("sealed 1", real.payload().getString("full_text"));

        agent.send(Envelopes.of("chat.done", new JsonObject().put("full_text", "injected reply")));
        assertEquals("E2E_PLAINTEXT", phoneSeen.nextError().code());
        agent.send(Envelopes.of("chat.error", new JsonObject().put("code", "BACKEND_ERROR").put("message", "fake")));
        RelayError fakeError = phoneSeen.nextError();
        assertEquals("E2E_PLAINTEXT", fakeError.code());
        assertFalse(fakeError.message().contains("fake"), "the refused content is not passed on");
        agent.send(Envelopes.of("chat.done", session.encrypt(new JsonObject().put("full_text", "sealed 2").encode())));
        assertEquals("sealed 2", phoneSeen.next().payload().getString("full_text"), "nothing plaintext came before it");
        assertTrue(phoneSeen.messages.isEmpty() && phoneSeen.errors.isEmpty(), phoneSeen.errors.toString());
      }
    }
  }

  /** A raw agent connected once the phone is up, so the phone offers its key when it sees the agent. */
  private static WsClient connectAfter(RelayClient phone, TestRelay relay, String token) throws Exception {
    await(phone.connected());
    return WsClient.auth(relay.wsUrl(), token, "agent");
  }

  private static JsonObject nextOfType(WsClient c, String type) {
    for (int i = 0; i < 10; i++) {
      JsonObject m = c.next();
      if (type.equals(m.getString("type"))) return m;
    }
    throw new AssertionError("no " + type + " among the next 10 messages");
  }

  @Test
  void relayErrorsAreSurfacedHonestly() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken(new JsonObject().put("limits", new JsonObject().put("phone_per_min", 1)));
      Recorder seen = new Recorder();
      // v1 semantics (no reliable delivery): a relay that resumes would store the message instead.
      try (RelayClient phone = RelayClient.start(opts(relay, token, Role.PHONE).withE2e(false).withReliable(false), seen)) {
        await(phone.connected());
        await(phone.sendChat("nobody there"));
        RelayError offline = seen.nextError();
        assertEquals("PEER_OFFLINE", offline.code());
        await(phone.sendChat("too fast"));
        RelayError limited = seen.nextError();
        assertEquals("RATE_LIMITED", limited.code());
        assertTrue(limited.retryAfterMs() > 0);
      }
      // With E2E on, a send with no peer and no key ever agreed fails at once rather than leaving in
      // plaintext (with reliable delivery too: there is no key to seal it to).
      try (RelayClient phone = RelayClient.start(opts(relay, relay.createToken(), Role.PHONE), new Recorder())) {
        await(phone.connected());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> await(phone.sendChat("secret")));
        assertEquals("PEER_OFFLINE", ((RelayException) e.getCause()).code());
      }
    }
  }

  @Test
  void refusedTokenStopsTheClient() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      Recorder seen = new Recorder();
      try (RelayClient c = RelayClient.start(opts(relay, "oc_pair_0123456789abcdef0123456789abcdef", Role.AGENT), seen)) {
        assertEquals("UNAUTHORIZED", seen.authFailed.get(20, TimeUnit.SECONDS));
        assertTrue(c.connected().failed() || c.connected().toCompletionStage().toCompletableFuture()
            .handle((v, err) -> err != null).get(20, TimeUnit.SECONDS));
        assertEquals(0, seen.connects.get());
      }
    }
  }

  @Test
  void missingPongMeansADeadConnectionAndTheClientReconnects() throws Exception {
    // A "relay" that authenticates everyone and then never answers pings.
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      AtomicInteger pingsSeen = new AtomicInteger();
      io.vertx.core.http.HttpServer silent = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(t -> {
        String type = new JsonObject(t).getString("type");
        if (type.equals("auth")) {
          ws.writeTextMessage(new JsonObject().put("v", 1).put("type", "auth.ok").put("id", "x").put("ts", 1)
              .put("payload", new JsonObject().put("paired", false)).encode());
        } else if (type.equals("ping")) {
          pingsSeen.incrementAndGet();
        }
      }));
      int port = silent.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).actualPort();
      Recorder seen = new Recorder();
      ClientOptions o = ClientOptions.of("ws://127.0.0.1:" + port + "/ws", "oc_pair_0123456789abcdef0123456789abcdef", Role.AGENT)
          .withHeartbeat(Duration.ofMillis(200), Duration.ofMillis(300))
          .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
      try (RelayClient c = RelayClient.start(o, seen)) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> seen.connects.get() >= 2);
        assertTrue(pingsSeen.get() >= 1);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void reconnectsWithBackoffWhenTheRelayRestarts() throws Exception {
    TestRelay relay = TestRelay.start();
    int port = relay.port();
    java.nio.file.Path data = relay.dataDir();
    String token = relay.createToken();
    Recorder seen = new Recorder();
    try (RelayClient agent = RelayClient.start(opts(relay, token, Role.AGENT), seen)) {
      await(agent.connected());
      relay.close();
      try (TestRelay again = TestRelay.startOn(data, new JsonObject().put("port", port))) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.connects.get() >= 2);
        assertFalse(agent.isPeerOnline());
      }
    }
  }
  @Test
  void eachSideIsToldPlainlyWhenOnlyOneEncrypts() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      // This side encrypts, the agent (a plain v1 client) does not: told within seconds, and a
      // send fails with the same reason instead of waiting out its 15 s.
      Recorder phoneSaw = new Recorder();
      try (dev.coralmux.relay.support.WsClient agent = dev.coralmux.relay.support.WsClient.auth(relay.wsUrl(), token, "agent");
           RelayClient phone = RelayClient.start(opts(relay, token, Role.PHONE), phoneSaw)) {
        await(phone.connected());
        RelayError e = phoneSaw.nextError();
        assertEquals("E2E_MISMATCH", e.code());
        assertTrue(e.message().contains("does not encrypt"), e.message());
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> phone.sendChat("hi").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("does not encrypt"), refused.getCause().getMessage());
      }
      // This side does not encrypt, the peer does: its key_exchange tells us at once.
      Recorder plainSaw = new Recorder();
      try (dev.coralmux.relay.support.WsClient agent = dev.coralmux.relay.support.WsClient.auth(relay.wsUrl(), token, "agent");
           RelayClient phone = RelayClient.start(opts(relay, token, Role.PHONE).withE2e(false), plainSaw)) {
        await(phone.connected());
        agent.send(dev.coralmux.relay.support.Envelopes.of("key_exchange",
            new JsonObject().put("pubkey", E2eCrypto.KeyPair.generate().publicKeyBase64())));
        RelayError e = plainSaw.nextError();
        assertEquals("E2E_MISMATCH", e.code());
        assertTrue(e.message().contains("turn encryption on here"), e.message());
      }
    }
  }
}
