package dev.coralmux.relay.client;

import dev.coralmux.relay.protocol.MessageTypes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;

/**
 * A CoralMux v1 client (phone or agent side) with reconnects, heartbeat and end-to-end encryption.
 *
 * <pre>{@code
 * RelayClient agent = RelayClient.start(ClientOptions.of("ws://relay:8080/ws", token, Role.AGENT),
 *     new RelayListener() {
 *       public void onMessage(RelayMessage m) { ... }
 *     });
 * agent.connected().toCompletionStage().toCompletableFuture().join();
 * agent.replyStream().done("Hello");
 * }</pre>
 *
 * <p>All state lives on one Vert.x context; every public method may be called from any thread and
 * listener methods are called on that context (do not block in them).
 *
 * <p>E2E (on by default): after each (re)connection the client makes a fresh X25519 key pair and
 * sends {@code key_exchange} when its peer is online; it answers each new peer key with its own,
 * so either side reconnecting re-keys both. Payloads are encrypted as {@code {enc, ciphertext,
 * nonce}}; while no key is agreed, sends wait (briefly, bounded) rather than go out in plaintext.
 * Plaintext from the peer is never delivered ({@code E2E_PLAINTEXT}, see {@link PeerInbox}); a peer
 * that does not encrypt at all is reported as {@code E2E_MISMATCH} (see {@link KeyExchangeWatch}).
 */
public final class RelayClient implements AutoCloseable {
  /** Codes after which reconnecting cannot help. */
  private static final Set<String> PERMANENT_AUTH_FAILURES = Set.of("UNAUTHORIZED", "INVALID_MESSAGE");
  private static final int CLOSE_REPLACED = 4409;
  private static final int CLOSE_AUTH = 4401;
  private static final int MAX_WAITING = 256;
  private static final long SEND_WAIT_MS = 15_000;
  /** How long an online peer may take to answer our key before it is said not to encrypt. */
  private static final long KEY_WAIT_MS = 5_000;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Context context;
  private final ClientOptions options;
  private final RelayListener listener;
  private final WebSocketClient sockets;
  private final Backoff backoff;
  private final Promise<Void> firstConnect = Promise.promise();

  private WebSocket ws;
  private boolean authenticated;
  private boolean stopped;
  private boolean peerOnline;
  private final KeyAgreement e2e;
  private final PeerInbox inbox;
  private final Heartbeat heartbeat;
  private final KeyExchangeWatch keyWatch;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final WaitingSends waiting = new WaitingSends(MAX_WAITING);

  private RelayClient(Vertx vertx, boolean ownsVertx, ClientOptions options, RelayListener listener) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.listener = listener;
    this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024).setConnectTimeout(10_000));
    this.backoff = new Backoff(options.backoffInitial(), options.backoffMax());
    this.e2e = new KeyAgreement(options.e2e());
    this.inbox = new PeerInbox(e2e, listener);
    this.heartbeat = new Heartbeat(vertx, options.pingInterval(), options.pongTimeout());
    this.keyWatch = new KeyExchangeWatch(vertx, KEY_WAIT_MS, message -> {
      listener.onRelayError(new RelayError("E2E_MISMATCH", message, null, -1));
      waiting.failAll("E2E_MISMATCH", message);
    });
  }

  /** Starts a client on its own small Vert.x instance (closed with the client). */
  public static RelayClient start(ClientOptions options, RelayListener listener) {
    return start(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)), true, options, listener);
  }

  /** Starts a client on an existing Vert.x instance. */
  public static RelayClient start(Vertx vertx, ClientOptions options, RelayListener listener) {
    return start(vertx, false, options, listener);
  }

  private static RelayClient start(Vertx vertx, boolean owns, ClientOptions options, RelayListener listener) {
    RelayClient c = new RelayClient(vertx, owns, options, listener);
    c.context.runOnContext(v -> c.connect());
    return c;
  }

  /** Completes on the first {@code auth.ok}; fails if the relay refuses the credentials. */
  public Future<Void> connected() {
    return firstConnect.future();
  }

  public boolean isPeerOnline() {
    return peerOnline;
  }

  /** Whether a key is agreed with the current peer (sends are encrypted). */
  public boolean isEncrypted() {
    return e2e.agreed();
  }

  // ---------------------------------------------------------------- sending

  /** Sends any message type; the payload is encrypted when E2E is on. */
  public Future<Void> send(String type, JsonObject payload) {
    Promise<Void> sent = Promise.promise();
    context.runOnContext(v -> sendOnContext(new WaitingSends.Outgoing(type, payload, sent, System.currentTimeMillis() + SEND_WAIT_MS)));
    return sent.future();
  }

  public Future<Void> sendChat(String text) {
    return send("chat.send", new JsonObject().put("text", text).put("agent_id", "main"));
  }

  public Future<Void> sendStream(String delta, int seq) {
    return send("chat.stream", new JsonObject().put("delta", delta).put("seq", seq));
  }

  /** A streamed reply whose deltas are coalesced to one {@code chat.stream} per {@link ClientOptions#streamInterval()}. */
  public ReplyStream replyStream() {
    return new ReplyStream(this, vertx, context, options.streamInterval().toMillis());
  }

  public Future<Void> sendDone(String fullText) {
    return send("chat.done", new JsonObject().put("full_text", fullText));
  }

  public Future<Void> sendToolStatus(String tool, String status) {
    return send("chat.tool_status", new JsonObject().put("tool", tool).put("status", status));
  }

  /** An error from this side (e.g. BACKEND_ERROR when the agent's model failed). */
  public Future<Void> sendError(String code, String message) {
    return send("chat.error", new JsonObject().put("code", code).put("message", message));
  }

  private void sendOnContext(WaitingSends.Outgoing out) {
    if (stopped) {
      out.sent().fail(new RelayException("CLOSED", "the client is stopped"));
      return;
    }
    boolean needsKey = options.e2e() && !out.type().equals(MessageTypes.KEY_EXCHANGE);
    if (!authenticated || ws == null || (needsKey && !e2e.agreed())) {
      if (authenticated && needsKey && !peerOnline) {
        out.sent().fail(new RelayException("PEER_OFFLINE", "the peer is not connected; nothing to encrypt for"));
      } else if (needsKey && keyWatch.mismatched()) {
        out.sent().fail(new RelayException("E2E_MISMATCH", "the peer does not encrypt end to end"));
      } else if (!waiting.offer(out)) {
        out.sent().fail(new RelayException("NOT_READY", "too many messages waiting for the connection or key exchange"));
      } else {
        // Not connected yet, or no key yet: wait (bounded in number and time) rather than fail or leak plaintext.
        vertx.setTimer(Math.max(1, out.deadline() - System.currentTimeMillis()), t -> waiting.expire(System.currentTimeMillis()));
      }
      return;
    }
    JsonObject payload = out.payload();
    if (needsKey) payload = e2e.encrypt(payload);
    JsonObject envelope = new JsonObject().put("v", 1).put("type", out.type())
        .put("id", UUID.randomUUID().toString()).put("ts", System.currentTimeMillis()).put("payload", payload);
    ws.writeTextMessage(envelope.encode()).onComplete(out.sent());
  }

  private void flushWaiting() {
    waiting.takeAll().forEach(this::sendOnContext); // each is sent, fails, or waits again
  }

  // ---------------------------------------------------------------- connection lifecycle

  private void connect() {
    if (stopped) return;
    sockets.connect(new WebSocketConnectOptions().setAbsoluteURI(options.webSocketUrl())).onComplete(ar -> {
      if (ar.failed()) {
        Throwable why = ar.cause();
        reconnectLater(-1, "cannot connect to " + options.webSocketUrl() + ": "
            + (why.getMessage() != null ? why.getMessage() : why.getClass().getSimpleName()));
        return;
      }
      if (stopped) {
        ar.result().close();
        return;
      }
      ws = ar.result();
      ws.textMessageHandler(this::onText);
      ws.exceptionHandler(e -> { /* the close handler follows */ });
      WebSocket mine = ws;
      ws.closeHandler(v -> onClosed(mine));
      ws.writeTextMessage(new JsonObject().put("v", 1).put("type", MessageTypes.AUTH)
          .put("id", UUID.randomUUID().toString()).put("ts", System.currentTimeMillis())
          .put("payload", new JsonObject().put("token", options.token()).put("role", options.role().wire())).encode());
    });
  }

  private void onClosed(WebSocket closedSocket) {
    if (closedSocket != ws) return;
    int code = closedSocket.closeStatusCode() == null ? -1 : closedSocket.closeStatusCode();
    String reason = closedSocket.closeReason() == null ? "" : closedSocket.closeReason();
    ws = null;
    authenticated = false;
    peerOnline = false;
    e2e.forgetPeer();
    keyWatch.reset();
    heartbeat.stop();
    if (code == CLOSE_REPLACED || (code == CLOSE_AUTH && reason.contains("revoked"))) stopped = true;
    if (stopped) {
      waiting.failAll("CLOSED", "the connection to the relay closed for good");
      listener.onDisconnected(code, reason, false);
      firstConnect.tryFail(new RelayException("CLOSED", reason));
    } else {
      reconnectLater(code, reason);
    }
  }

  private void reconnectLater(int code, String reason) {
    if (stopped) return;
    listener.onDisconnected(code, reason, true);
    vertx.setTimer(backoff.nextDelayMs(), t -> connect());
  }

  // ---------------------------------------------------------------- receiving

  private void onText(String text) {
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (DecodeException e) {
      return; // not from a CoralMux relay; nothing sensible to do with it
    }
    String type = m.getString("type", "");
    JsonObject payload = m.getJsonObject("payload", new JsonObject());
    switch (type) {
      case MessageTypes.AUTH_OK -> onAuthOk(payload);
      case MessageTypes.AUTH_FAIL -> onAuthFail(payload);
      case MessageTypes.STATUS -> onStatus("online".equals(payload.getString("peer")));
      case MessageTypes.PONG -> heartbeat.pong();
      case MessageTypes.KEY_EXCHANGE -> onPeerKey(payload.getString("pubkey"));
      default -> {
        if (type.equals(MessageTypes.CHAT_ERROR) && "relay".equals(payload.getString("source"))) {
          listener.onRelayError(new RelayError(payload.getString("code"), payload.getString("message"),
              payload.getString("ref_id"), payload.getLong("retry_after_ms", -1L)));
        } else {
          inbox.accept(type, m, payload); // decrypted, or refused and reported
        }
      }
    }
  }

  private void onAuthOk(JsonObject payload) {
    authenticated = true;
    backoff.reset();
    e2e.renew(); // fresh keys per connection
    peerOnline = payload.getBoolean("paired", false);
    heartbeat.start(ws);
    listener.onConnected(payload);
    firstConnect.tryComplete();
    if (peerOnline) offerKey();
    flushWaiting(); // sends without E2E go now; with E2E they fail fast if no peer, else wait for the key
  }

  private void onAuthFail(JsonObject payload) {
    String code = payload.getString("code", "UNAUTHORIZED");
    String message = payload.getString("message", "");
    if (PERMANENT_AUTH_FAILURES.contains(code)) {
      stopped = true;
      waiting.failAll(code, message);
      listener.onAuthFailed(code, message);
      firstConnect.tryFail(new RelayException(code, message));
    }
    // Otherwise (e.g. SERVICE_UNAVAILABLE) the relay closes and the client retries.
  }

  private void onStatus(boolean online) {
    peerOnline = online;
    e2e.forgetPeer(); // a peer that (re)appears has a new key; one that left has none
    keyWatch.reset();
    listener.onPeerStatus(online);
    if (online) offerKey();
    else waiting.failAll("PEER_OFFLINE", "the peer disconnected");
  }

  private void offerKey() {
    String own = e2e.ownKey();
    if (own == null || ws == null) return;
    sendOnContext(new WaitingSends.Outgoing(MessageTypes.KEY_EXCHANGE, new JsonObject().put("pubkey", own),
        Promise.promise(), Long.MAX_VALUE));
    if (peerOnline && !e2e.agreed()) keyWatch.expectKey();
  }

  private void onPeerKey(String pubkey) {
    if (!options.e2e()) {
      keyWatch.peerEncrypts();
      return;
    }
    try {
      if (!e2e.acceptPeerKey(pubkey)) return;
    } catch (IllegalArgumentException e) {
      listener.onRelayError(new RelayError("E2E_BAD_KEY", "the peer sent an unusable key: " + e.getMessage(), null, -1));
      return;
    }
    peerOnline = true;
    keyWatch.keyArrived();
    offerKey(); // answer every new peer key, so a peer that reconnected gets ours too
    listener.onEncrypted();
    flushWaiting();
  }

  /** Closes the connection for good (no reconnect). A Vert.x instance the client owns is closed by {@link #close()}. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    if (closed.get()) return Future.succeededFuture(); // its Vert.x is gone: nothing left to stop
    context.runOnContext(v -> {
      stopped = true;
      heartbeat.stop();
      waiting.failAll("CLOSED", "the client is stopping");
      Future<Void> closing = ws == null ? Future.succeededFuture() : ws.close((short) 1000, "client closing");
      closing.otherwiseEmpty().compose(x -> sockets.close()).otherwiseEmpty().onComplete(x -> done.tryComplete());
    });
    return done.future();
  }

  /** Stops the client and waits for it; then closes its own Vert.x instance, if it has one. Blocking. */
  @Override
  public void close() {
    if (closed.get()) return; // idempotent: an app and its shutdown hook may both close
    try {
      stop().toCompletionStage().toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS);
      closed.set(true);
      if (ownsVertx) vertx.close().toCompletionStage().toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) { // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
