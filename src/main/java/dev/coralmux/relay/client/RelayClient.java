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
import io.vertx.core.net.TrustOptions;
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
 * <p>E2E (on by default): the client sends {@code key_exchange} whenever its peer comes online or
 * it connects to an online peer, and answers each new peer key with its own. Payloads are encrypted
 * as {@code {enc, ciphertext, nonce}}; while no key was ever agreed, sends wait (briefly, bounded)
 * rather than go out in plaintext. Plaintext from the peer is never delivered ({@code E2E_PLAINTEXT},
 * see {@link PeerInbox}); a peer that does not encrypt at all is reported as {@code E2E_MISMATCH}
 * (see {@link KeyExchangeWatch}).
 *
 * <p>Reliable delivery (on by default, {@link ClientOptions#reliable()}): the client asks for
 * {@code resume} and {@code acks} with the id of the last peer message it got, so the relay replays
 * what it missed ({@link ResumeState}, {@link RelayListener#onResumed}). It keeps one key pair for
 * its life and seals to the peer's last key while the peer is away ({@link KeyAgreement}), so a send
 * to an offline peer is stored, not refused; each message is kept until acked and resent unchanged
 * after a reconnect ({@link Outbox}). With a relay without the extension it works as v1.
 */
public final class RelayClient implements AutoCloseable {
  /** Codes after which reconnecting cannot help. */
  private static final Set<String> PERMANENT_AUTH_FAILURES = Set.of("UNAUTHORIZED", "INVALID_MESSAGE");
  private static final int CLOSE_REPLACED = 4409;
  private static final int CLOSE_AUTH = 4401;
  private static final long SEND_WAIT_MS = 15_000;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Context context;
  private final ClientOptions options;
  private final RelayListener listener;
  private final WebSocketClient sockets;
  private final Backoff backoff;
  private final Promise<Void> firstConnect = Promise.promise();

  private WebSocket ws;
  private boolean stopped;
  private final PeerSession peer;
  private final PeerInbox inbox;
  private final Heartbeat heartbeat;
  private final ResumeState resume;
  private final Outbox outbox;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private RelayClient(Vertx vertx, boolean ownsVertx, ClientOptions options, RelayListener listener) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.listener = listener;
    this.sockets = vertx.createWebSocketClient(socketOptions(options));
    this.backoff = new Backoff(options.backoffInitial(), options.backoffMax());
    KeyAgreement e2e = new KeyAgreement(options.e2e(), options.reliable());
    this.inbox = new PeerInbox(e2e, listener);
    this.heartbeat = new Heartbeat(vertx, options.pingInterval(), options.pongTimeout());
    this.resume = new ResumeState(options.reliable());
    this.peer = new PeerSession(vertx, e2e, listener);
    this.outbox = new Outbox(vertx, e2e, peer);
    peer.sendsThrough(outbox);
  }

  private static WebSocketClientOptions socketOptions(ClientOptions options) {
    WebSocketClientOptions o = new WebSocketClientOptions()
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024).setConnectTimeout(10_000);
    if (options.trustedCertificateSha256() == null) return o; // the JVM's trust store, host names checked
    // The key is pinned: the certificate need not name the address used (a LAN IP), so no host check.
    return o.setTrustOptions(TrustOptions.wrap(CertificatePin.of(options.trustedCertificateSha256()).trustManager()))
        .setVerifyHost(false);
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
    return peer.online();
  }

  /** Whether a key is agreed with the peer (what it sends can be read; sends are encrypted). */
  public boolean isEncrypted() {
    return peer.keyAgreed();
  }

  // ---------------------------------------------------------------- sending

  /**
   * Sends any message type; the payload is encrypted when E2E is on. The future completes when the
   * relay acks the message, or (v1 relay) once it is written; see {@link Outbox} for its failures.
   */
  public Future<Void> send(String type, JsonObject payload) {
    Promise<Void> sent = Promise.promise();
    context.runOnContext(v -> outbox.send(new WaitingSends.Outgoing(type, payload, sent, System.currentTimeMillis() + SEND_WAIT_MS)));
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

  // ---------------------------------------------------------------- connection lifecycle

  private void connect() {
    if (stopped) return;
    sockets.connect(new WebSocketConnectOptions().setAbsoluteURI(options.webSocketUrl())).onComplete(ar -> {
      if (ar.failed()) {
        Throwable why = ar.cause();
        String untrusted = CertificatePin.untrustedReason(why, options.trustedCertificateSha256() != null);
        if (untrusted != null) {
          refusedCertificate(options.webSocketUrl() + ": " + untrusted);
          return;
        }
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
      ws.writeTextMessage(Outbox.envelope(MessageTypes.AUTH, UUID.randomUUID().toString(),
          resume.addTo(new JsonObject().put("token", options.token()).put("role", options.role().wire()))));
    });
  }

  private void onClosed(WebSocket closedSocket) {
    if (closedSocket != ws) return;
    int code = closedSocket.closeStatusCode() == null ? -1 : closedSocket.closeStatusCode();
    String reason = closedSocket.closeReason() == null ? "" : closedSocket.closeReason();
    ws = null;
    outbox.disconnected();
    peer.disconnected(resume.active());
    heartbeat.stop();
    if (code == CLOSE_REPLACED || (code == CLOSE_AUTH && reason.contains("revoked"))) stopped = true;
    if (stopped) {
      outbox.stop("CLOSED", "the connection to the relay closed for good");
      listener.onDisconnected(code, reason, false);
      firstConnect.tryFail(new RelayException("CLOSED", reason));
    } else {
      reconnectLater(code, reason);
    }
  }

  /** Retrying cannot make an untrusted certificate trusted (nor should it): stop, and say why. */
  private void refusedCertificate(String reason) {
    stopped = true;
    outbox.stop(CertificatePin.UNTRUSTED_CERTIFICATE, reason);
    listener.onDisconnected(-1, reason, false);
    firstConnect.tryFail(new RelayException(CertificatePin.UNTRUSTED_CERTIFICATE, reason));
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
      case MessageTypes.STATUS -> peer.status("online".equals(payload.getString("peer")), resume.active());
      case MessageTypes.PONG -> heartbeat.pong();
      case MessageTypes.KEY_EXCHANGE -> peer.peerKey(payload.getValue("pubkey") instanceof String k ? k : null);
      default -> {
        if (type.equals(MessageTypes.CHAT_ERROR) && "relay".equals(payload.getString("source"))) {
          RelayError e = new RelayError(payload.getString("code"), payload.getString("message"),
              payload.getString("ref_id"), payload.getLong("retry_after_ms", -1L));
          outbox.refused(e.refId(), e.code(), e.message()); // fails its future, if it was kept for resending
          listener.onRelayError(e);
        } else if (type.equals(Outbox.ACK) && resume.active()) { // from an older relay, an "ack" is just a peer message
          String refId = payload.getString("ref_id");
          outbox.acked(refId);
          listener.onAck(refId, payload.getString("state"));
        } else {
          inbox.accept(type, m, payload); // decrypted, or refused and reported
          resume.received(type, m.getString("id")); // either way: a replay must not bring it back
        }
      }
    }
  }

  private void onAuthOk(JsonObject payload) {
    backoff.reset();
    ResumeState.Resumed resumed = resume.accept(payload); // null: this relay works as v1
    heartbeat.start(ws);
    outbox.connected(ws, resumed != null); // what the relay has not acked goes again, first (resuming)
    peer.connected(payload.getBoolean("paired", false), resumed != null); // our key, if the peer is online
    outbox.flush(); // then what waited for the connection (before the app can send more): sent, failed, or waiting on
    listener.onConnected(payload);
    if (resumed != null) listener.onResumed(resumed.replayed(), resumed.complete());
    firstConnect.tryComplete();
  }

  private void onAuthFail(JsonObject payload) {
    String code = payload.getString("code", "UNAUTHORIZED");
    String message = payload.getString("message", "");
    if (PERMANENT_AUTH_FAILURES.contains(code)) {
      stopped = true;
      outbox.stop(code, message);
      listener.onAuthFailed(code, message);
      firstConnect.tryFail(new RelayException(code, message));
    }
    // Otherwise (e.g. SERVICE_UNAVAILABLE) the relay closes and the client retries.
  }

  /** Closes the connection for good (no reconnect). A Vert.x instance the client owns is closed by {@link #close()}. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    if (closed.get()) return Future.succeededFuture(); // its Vert.x is gone: nothing left to stop
    context.runOnContext(v -> {
      stopped = true;
      heartbeat.stop();
      outbox.stop("CLOSED", "the client stopped before the message was sent or acknowledged");
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
