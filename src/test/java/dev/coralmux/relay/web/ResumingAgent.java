package dev.coralmux.relay.web;

import dev.coralmux.relay.client.E2eCrypto;
import dev.coralmux.relay.support.Envelopes;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An agent as a reliable-delivery client would be: {@code resume} + {@code acks}, one E2E key pair
 * for its whole life, a session per page key (kept across reconnects, so what was stored for it
 * while away still opens), the page's key answered whenever it is new.
 */
final class ResumingAgent implements WebSocket.Listener, AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final long WAIT_S = 20;

  private final String url;
  private final String token;
  private final E2eCrypto.KeyPair keys = E2eCrypto.KeyPair.generate();
  private final Map<String, E2eCrypto.Session> sessions = new ConcurrentHashMap<>();
  /** Every key the page offered, in order. */
  final List<String> pageKeys = new CopyOnWriteArrayList<>();
  /** The page's messages as {id, text}, decrypted; "UNREADABLE" when no session opens one. */
  final List<JsonObject> fromPage = new CopyOnWriteArrayList<>();
  /** Our message id to the relay's latest ack state. */
  final Map<String, String> acks = new ConcurrentHashMap<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  volatile boolean pageOnline;
  private volatile E2eCrypto.Session session;
  private volatile String lastPageKey;
  private volatile String lastId;
  private volatile WebSocket ws;
  private volatile CompletableFuture<Void> authOk;
  private volatile CompletableFuture<Void> closed;
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
  private final StringBuilder partial = new StringBuilder();

  private ResumingAgent(String url, String token) {
    this.url = url;
    this.token = token;
  }

  static ResumingAgent connect(String wsUrl, String token) throws Exception {
    ResumingAgent a = new ResumingAgent(wsUrl, token);
    a.reconnect();
    return a;
  }

  /** Connects (again) with the id of the last page message it got; returns after auth.ok. */
  void reconnect() throws Exception {
    authOk = new CompletableFuture<>();
    closed = new CompletableFuture<>();
    partial.setLength(0);
    ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), this).get(WAIT_S, TimeUnit.SECONDS);
    send(Envelopes.authResume(token, "agent", lastId));
    authOk.get(WAIT_S, TimeUnit.SECONDS);
  }

  /** Closes this connection cleanly (the agent goes offline); returns once closed. */
  void disconnect() throws Exception {
    WebSocket w = ws;
    synchronized (this) {
      sending = sending.handle((v, e) -> null).thenCompose(v -> w.sendClose(WebSocket.NORMAL_CLOSURE, "going offline"));
    }
    closed.get(WAIT_S, TimeUnit.SECONDS);
  }

  /** Whether it has a key agreed with the page (on this or an earlier connection). */
  boolean agreed() {
    return session != null;
  }

  /** Sends a sealed chat.done with this text; returns its envelope id. */
  String sendDone(String text) {
    E2eCrypto.Session s = session;
    if (s == null) throw new IllegalStateException("no key agreed with the page yet");
    String m = Envelopes.of("chat.done", s.encrypt(new JsonObject().put("full_text", text).encode()));
    send(m);
    return new JsonObject(m).getString("id");
  }

  private synchronized void send(String text) {
    WebSocket w = ws;
    sending = sending.handle((v, e) -> null).thenCompose(v -> w.sendText(text, true)); // one at a time, as the JDK client requires
  }

  private void offerKey() {
    send(Envelopes.of("key_exchange", new JsonObject().put("pubkey", keys.publicKeyBase64())));
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        handle(new JsonObject(partial.toString()));
      } catch (Throwable e) {
        errors.add(e);
      }
      partial.setLength(0);
    }
    return null;
  }

  private void handle(JsonObject m) {
    JsonObject p = m.getJsonObject("payload", new JsonObject());
    switch (m.getString("type")) {
      case "auth.ok" -> {
        pageOnline = p.getBoolean("paired");
        lastPageKey = null;
        if (pageOnline) offerKey();
        authOk.complete(null);
      }
      case "status" -> {
        pageOnline = "online".equals(p.getString("peer"));
        lastPageKey = null; // the page answers a key it has not had from this connection of ours
        if (pageOnline) offerKey();
      }
      case "key_exchange" -> {
        String key = p.getString("pubkey");
        pageKeys.add(key);
        if (key.equals(lastPageKey)) return;
        session = sessions.computeIfAbsent(key, k -> E2eCrypto.Session.derive(keys, k));
        lastPageKey = key;
        offerKey();
      }
      case "ack" -> acks.merge(p.getString("ref_id"), p.getString("state"),
          (was, now) -> was.equals("delivered") ? was : now);
      case "chat.send" -> {
        lastId = m.getString("id");
        fromPage.add(new JsonObject().put("id", lastId).put("text", open(p)));
      }
      default -> { } // pong, relay errors: not needed here
    }
  }

  private String open(JsonObject sealed) {
    for (E2eCrypto.Session s : sessions.values()) {
      try {
        return new JsonObject(s.decrypt(sealed)).getString("text");
      } catch (E2eCrypto.DecryptException e) {
        // another session's key
      }
    }
    return "UNREADABLE";
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(null);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(null);
  }

  @Override
  public void close() {
    WebSocket w = ws;
    if (w != null) w.abort();
  }
}
