package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The SDK's side of reliable delivery, against a scripted relay played by the test (the real relay
 * on this branch does not implement the extension): what auth asks for, last_id, futures completed
 * by acks, resending unacked messages byte for byte after a reconnect, sealing to the peer's last
 * key while it is away, and the v1 fallback when auth.ok has no resume.
 */
class ReliableDeliveryClientTest {
  private static final long WAIT_S = 20;

  /** A relay the test drives by hand: each accepted WebSocket is a {@link Conn}. */
  static final class ScriptedRelay implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();
    final int port;

    ScriptedRelay() throws Exception {
      HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
        Conn c = new Conn(ws, new LinkedBlockingQueue<>());
        ws.textMessageHandler(t -> {
          if (!"ping".equals(new JsonObject(t).getString("type"))) c.in.add(t);
        });
        connections.add(c);
      });
      port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS).actualPort();
    }

    Conn next() throws InterruptedException {
      Conn c = connections.poll(WAIT_S, TimeUnit.SECONDS);
      if (c == null) throw new AssertionError("the client did not (re)connect within " + WAIT_S + " s");
      return c;
    }

    ClientOptions options(boolean e2e) {
      return ClientOptions.of("ws://127.0.0.1:" + port + "/ws", "oc_pair_0123456789abcdef0123456789abcdef", Role.PHONE)
          .withE2e(e2e).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
    }
  }

  record Conn(ServerWebSocket ws, BlockingQueue<String> in) {
    String nextText() throws InterruptedException {
      String t = in.poll(WAIT_S, TimeUnit.SECONDS);
      if (t == null) throw new AssertionError("nothing from the client within " + WAIT_S + " s");
      return t;
    }

    JsonObject next() throws InterruptedException {
      return new JsonObject(nextText());
    }

    JsonObject next(String type) throws InterruptedException {
      JsonObject m = next();
      assertEquals(type, m.getString("type"), m::encode);
      return m;
    }

    /** Nothing more from the client for a short while (to show that it holds something back). */
    void expectQuiet() throws InterruptedException {
      assertNull(in.poll(500, TimeUnit.MILLISECONDS));
    }

    void send(String type, String id, JsonObject payload) {
      ws.writeTextMessage(new JsonObject().put("v", 1).put("type", type).put("id", id).put("ts", 1L).put("payload", payload).encode());
    }

    void send(String type, JsonObject payload) {
      send(type, UUID.randomUUID().toString(), payload);
    }

    void authOk(boolean paired, JsonObject resume) {
      JsonObject p = new JsonObject().put("paired", paired);
      if (resume != null) p.put("resume", resume);
      send("auth.ok", p);
    }

    void ack(String refId, String state) {
      send("ack", new JsonObject().put("ref_id", refId).put("state", state));
    }
  }

  /** What the client reported, for assertions from the test thread. */
  static final class Seen implements RelayListener {
    final BlockingQueue<RelayMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<RelayError> errors = new LinkedBlockingQueue<>();
    final BlockingQueue<String> resumed = new LinkedBlockingQueue<>();
    final BlockingQueue<String> acks = new LinkedBlockingQueue<>();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicInteger keys = new AtomicInteger();

    @Override public void onResumed(int replayed, boolean complete) { resumed.add(replayed + "/" + complete); }
    @Override public void onAck(String id, String state) { acks.add(id + " " + state); }
    @Override public void onMessage(RelayMessage m) { messages.add(m); }
    @Override public void onRelayError(RelayError e) { errors.add(e); }
    @Override public void onDisconnected(int code, String reason, boolean retrying) { disconnects.incrementAndGet(); }
    @Override public void onEncrypted() { keys.incrementAndGet(); }

    static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
      T t = q.poll(WAIT_S, TimeUnit.SECONDS);
      if (t == null) throw new AssertionError("nothing reported within " + WAIT_S + " s");
      return t;
    }
  }

  private static void await(Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
  }

  private static JsonObject resume(int replayed, boolean complete) {
    return new JsonObject().put("replayed", replayed).put("complete", complete);
  }

  @Test
  void unackedMessagesAreResentByteForByteAfterAReconnectAndAcksCompleteTheSends() throws Exception {
    Seen seen = new Seen();
    try (ScriptedRelay relay = new ScriptedRelay(); RelayClient phone = RelayClient.start(relay.options(false), seen)) {
      Conn c1 = relay.next();
      JsonObject auth1 = c1.next("auth").getJsonObject("payload");
      assertEquals(new JsonArray().add("resume").add("acks"), auth1.getJsonArray("caps"));
      assertFalse(auth1.containsKey("last_id"), "first connect: nothing received yet");
      c1.authOk(false, resume(1, true));
      c1.send("chat.done", "p1", new JsonObject().put("full_text", "replayed"));
      assertEquals("1/true", Seen.poll(seen.resumed));
      assertEquals("p1", Seen.poll(seen.messages).id());

      Future<Void> a = phone.sendChat("a"); // the peer is offline: no PEER_OFFLINE, the relay stores it
      String textA = c1.nextText();
      String idA = new JsonObject(textA).getString("id");
      Future<Void> b = phone.sendChat("b");
      String idB = c1.next("chat.send").getString("id");
      c1.ack(idB, "stored");
      await(b);
      assertEquals(idB + " stored", Seen.poll(seen.acks));
      assertFalse(a.isComplete(), "not acked yet");
      c1.ws().close();

      Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> seen.disconnects.get() >= 1);
      Future<Void> d = phone.sendChat("d"); // while disconnected: kept, sent after what was sent before
      Conn c2 = relay.next();
      assertEquals("p1", c2.next("auth").getJsonObject("payload").getString("last_id"));
      c2.authOk(true, resume(0, false));
      assertEquals(textA, c2.nextText(), "resent with its original id and bytes");
      String idD = c2.next("chat.send").getString("id");
      assertEquals("0/false", Seen.poll(seen.resumed), "complete:false reaches the app");
      c2.ack(idA, "delivered");
      c2.ack(idD, "stored");
      await(a);
      await(d);
      c2.ack(idD, "delivered"); // the later ack is told too
      assertEquals(idA + " delivered", Seen.poll(seen.acks));
      assertEquals(idD + " stored", Seen.poll(seen.acks));
      assertEquals(idD + " delivered", Seen.poll(seen.acks));

      Future<Void> refused = phone.sendChat("too fast");
      String idR = c2.next("chat.send").getString("id");
      c2.send("chat.error", new JsonObject().put("source", "relay").put("code", "RATE_LIMITED")
          .put("message", "slow down").put("ref_id", idR).put("retry_after_ms", 1000));
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(refused));
      assertEquals("RATE_LIMITED", ((RelayException) e.getCause()).code());
      assertEquals("RATE_LIMITED", Seen.poll(seen.errors).code(), "still reported to the listener");
      c2.ws().close();
      Conn c3 = relay.next();
      c3.next("auth");
      c3.authOk(false, resume(0, true));
      c3.expectQuiet(); // everything was acked or refused: nothing to resend
    }
  }

  @Test
  void withE2eTheKeyPairIsKeptAndSendsAreSealedToThePeersLastKeyWhileItIsAway() throws Exception {
    Seen seen = new Seen();
    E2eCrypto.KeyPair agentKeys = E2eCrypto.KeyPair.generate();
    String agentKey = agentKeys.publicKeyBase64();
    try (ScriptedRelay relay = new ScriptedRelay(); RelayClient phone = RelayClient.start(relay.options(true), seen)) {
      Conn c1 = relay.next();
      c1.next("auth");
      c1.authOk(true, resume(0, true));
      String phoneKey = c1.next("key_exchange").getJsonObject("payload").getString("pubkey");
      E2eCrypto.Session agent = E2eCrypto.Session.derive(agentKeys, phoneKey);
      c1.send("key_exchange", new JsonObject().put("pubkey", agentKey));
      assertEquals(phoneKey, c1.next("key_exchange").getJsonObject("payload").getString("pubkey"), "a new key is answered");
      Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(phone::isEncrypted);

      c1.send("status", new JsonObject().put("peer", "offline"));
      Future<Void> away = phone.sendChat("while the agent is away");
      JsonObject sealed = c1.next("chat.send");
      assertEquals("while the agent is away", new JsonObject(agent.decrypt(sealed.getJsonObject("payload"))).getString("text"));
      c1.ack(sealed.getString("id"), "stored");
      await(away);
      c1.ws().close();

      Conn c2 = relay.next();
      assertFalse(c2.next("auth").getJsonObject("payload").containsKey("last_id"), "key_exchange does not count");
      c2.authOk(false, resume(1, true));
      c2.send("chat.done", "p1", agent.encrypt(new JsonObject().put("full_text", "stored for you").encode()));
      RelayMessage replayed = Seen.poll(seen.messages);
      assertTrue(replayed.encrypted());
      assertEquals("stored for you", replayed.payload().getString("full_text"), "stored ciphertext is readable after a reconnect");
      Future<Void> again = phone.sendChat("after reconnecting");
      JsonObject sealed2 = c2.next("chat.send"); // no key_exchange first: the agent is offline
      assertEquals("after reconnecting", new JsonObject(agent.decrypt(sealed2.getJsonObject("payload"))).getString("text"));
      c2.ack(sealed2.getString("id"), "stored");
      await(again);

      c2.send("status", new JsonObject().put("peer", "online"));
      assertEquals(phoneKey, c2.next("key_exchange").getJsonObject("payload").getString("pubkey"), "the same key pair");
      Future<Void> held = phone.sendChat("held until the agent's key");
      c2.expectQuiet(); // it may be a new process: nothing sealed until its key comes
      c2.send("key_exchange", new JsonObject().put("pubkey", agentKey)); // same agent: confirms, is not answered
      JsonObject sealed3 = c2.next("chat.send");
      assertEquals("held until the agent's key", new JsonObject(agent.decrypt(sealed3.getJsonObject("payload"))).getString("text"));
      c2.ack(sealed3.getString("id"), "delivered");
      await(held);
      assertEquals(1, seen.keys.get(), "one agreement: the same key was not a new one");
      assertTrue(seen.errors.isEmpty(), seen.errors.toString());
    }
  }

  @Test
  void aRelayWithoutResumeGetsV1() throws Exception {
    Seen seen = new Seen();
    try (ScriptedRelay relay = new ScriptedRelay(); RelayClient phone = RelayClient.start(relay.options(false), seen)) {
      Conn c1 = relay.next();
      c1.next("auth");
      c1.authOk(true, null);
      await(phone.sendChat("written is done")); // no ack will come: completed once written
      c1.next("chat.send");
      c1.send("ack", "p1", new JsonObject().put("ref_id", "x").put("state", "stored")); // from the peer, as v1 forwards it
      RelayMessage m = Seen.poll(seen.messages);
      assertEquals("ack", m.type());
      assertTrue(seen.acks.isEmpty());
      c1.ws().close();
      Conn c2 = relay.next();
      assertEquals("p1", c2.next("auth").getJsonObject("payload").getString("last_id"));
      c2.authOk(true, null);
      c2.expectQuiet(); // nothing resent
      assertTrue(seen.resumed.isEmpty());
    }
  }

  @Test
  void reliableOffIsV1OnTheWire() throws Exception {
    Seen seen = new Seen();
    try (ScriptedRelay relay = new ScriptedRelay();
         RelayClient phone = RelayClient.start(relay.options(false).withReliable(false), seen)) {
      Conn c1 = relay.next();
      JsonObject auth = c1.next("auth").getJsonObject("payload");
      assertEquals(new JsonObject().put("token", "oc_pair_0123456789abcdef0123456789abcdef").put("role", "phone"), auth);
      c1.authOk(true, resume(3, false)); // not asked for: ignored
      await(phone.sendChat("hi"));
      c1.next("chat.send");
      assertTrue(seen.resumed.isEmpty());
    }
  }
}
