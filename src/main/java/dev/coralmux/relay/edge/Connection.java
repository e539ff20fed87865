package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.limits.Decision;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.limits.Usage;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.protocol.Envelope;
import dev.coralmux.relay.protocol.EnvelopeParser;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.protocol.InvalidEnvelopeException;
import dev.coralmux.relay.protocol.MessageTypes;
import dev.coralmux.relay.protocol.RelayMessages;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import dev.coralmux.relay.routing.Registration;
import dev.coralmux.relay.store.TokenRecord;
import dev.coralmux.relay.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One client WebSocket, from upgrade to close. Confined to its edge verticle's event loop.
 *
 * <p>States: waiting for {@code auth} → authenticating (socket paused while the token is checked
 * and the connection registered) → active (messages checked and forwarded to the peer) → closed.
 * Inbound order is kept by pausing the socket whenever a check is still in flight.
 *
 * <p>Outbound, every write is counted in {@link #pendingBytes} until the socket has taken it: a
 * delivery that would push a non-empty queue past the configured bound is refused (its sender is
 * told), and a connection whose queue makes no progress for the slow-consumer timeout is closed.
 */
final class Connection {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Connection.class.getName());

  enum State { AWAITING_AUTH, AUTHENTICATING, ACTIVE, CLOSED }

  static final short CLOSE_AUTH = 4401;
  static final short CLOSE_REPLACED = 4409;
  static final short CLOSE_HEARTBEAT = 4408;
  static final short CLOSE_POLICY = 1008;
  static final short CLOSE_TOO_BIG = 1009;
  /**
   * When a closed connection is cut regardless: after Vert.x's own closing timeout (2 s), for a
   * client so stalled that even our close frame cannot be written to it.
   */
  static final long CLOSE_GRACE_MS = 3_000;
  /** Limit checks one connection may have in flight before its socket is paused. */
  static final int MAX_DECISIONS_IN_FLIGHT = 64;

  private final EdgeVerticle edge;
  private final ServerWebSocket ws;
  final long id;
  private State state = State.AWAITING_AUTH;
  private long authTimer = -1;

  // Set once authenticated.
  private String tokenHash;
  private Role role;
  private Limits limits;
  private long expiresAt;
  private ConnRef self;

  // What this connection knows about its peer, newest epoch wins (notices may arrive out of order).
  private ConnRef peer;
  private long peerEpoch;

  // A message arriving in several frames.
  private Buffer fragments;
  private long fragmentBytes;
  private boolean fragmentBinary;
  private boolean fragmentOversize;

  // Outbound queue accounting, and liveness.
  private long pendingBytes;
  private long lastDrainAt;
  private long lastSeenAt;
  private List<EdgeMessage.Deliver> heldDeliveries; // for deliveries racing our own auth.ok
  private ArrayDeque<PendingDecision> pendingDecisions; // limit checks not yet decided, in frame order
  private boolean cleanedUp;
  private boolean unregistered;

  Connection(EdgeVerticle edge, ServerWebSocket ws, long id) {
    this.edge = edge;
    this.ws = ws;
    this.id = id;
    this.lastSeenAt = edge.now();
  }

  void start() {
    ws.frameHandler(this::onFrame);
    ws.pongHandler(b -> lastSeenAt = edge.now());
    ws.closeHandler(v -> cleanUp());
    ws.exceptionHandler(e -> { /* a reset or protocol error; closeHandler follows */ });
    authTimer = edge.vertx().setTimer(edge.relayConfig().websocket().authTimeoutMs(), t -> {
      authTimer = -1;
      if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
        failAuth(ErrorCode.UNAUTHORIZED, "authentication timed out: send auth first");
      }
    });
  }

  // ---------------------------------------------------------------- inbound frames

  private void onFrame(WebSocketFrame frame) {
    lastSeenAt = edge.now();
    WebSocketFrameType type = frame.type();
    if (type == WebSocketFrameType.TEXT || type == WebSocketFrameType.BINARY) {
      if (frame.isFinal()) {
        Buffer data = frame.binaryData();
        onMessage(data, data.length(), type == WebSocketFrameType.BINARY, false);
      } else {
        fragments = Buffer.buffer();
        fragmentBytes = 0;
        fragmentOversize = false;
        fragmentBinary = type == WebSocketFrameType.BINARY;
        appendFragment(frame);
      }
    } else if (type == WebSocketFrameType.CONTINUATION && fragments != null && state != State.CLOSED) {
      appendFragment(frame);
      if (frame.isFinal() && fragments != null) {
        Buffer whole = fragments;
        fragments = null;
        onMessage(whole, fragmentBytes, fragmentBinary, fragmentOversize);
      }
    }
    // Ping, pong and close frames only prove liveness; Vert.x answers pings and closes itself.
  }

  /**
   * Collects fragments up to the size limit; past it, only counts them so memory stays bounded,
   * and past the hard cap gives up on the connection (as Netty does for a single huge frame).
   */
  private void appendFragment(WebSocketFrame frame) {
    Buffer data = frame.binaryData();
    fragmentBytes += data.length();
    if (fragmentBytes > edge.relayConfig().websocket().hardMaxMessageBytes()) {
      fragments = null;
      edge.metrics().undelivered(DropReason.MESSAGE_TOO_LARGE);
      closeSocket(CLOSE_TOO_BIG, "message too big");
      return;
    }
    if (fragmentOversize) return;
    if (fragmentBytes > maxMessageBytes()) {
      fragmentOversize = true;
      fragments = Buffer.buffer(0);
      return;
    }
    fragments.appendBuffer(data);
  }

  private long maxMessageBytes() {
    return limits != null ? limits.maxMessageBytes() : edge.relayConfig().limits().maxMessageBytes();
  }

  private void onMessage(Buffer data, long size, boolean binary, boolean oversize) {
    switch (state) {
      case AWAITING_AUTH -> onAuthFrame(data, binary, oversize || size > maxMessageBytes());
      case ACTIVE -> onClientMessage(data, size, binary, oversize || size > maxMessageBytes());
      default -> edge.metrics().undelivered(DropReason.NOT_AUTHENTICATED);
    }
  }

  // ---------------------------------------------------------------- authentication

  private void onAuthFrame(Buffer data, boolean binary, boolean oversize) {
    if (binary || oversize) {
      failAuth(ErrorCode.INVALID_MESSAGE, "the first message must be an auth envelope (JSON text)");
      return;
    }
    Envelope env;
    try {
      env = EnvelopeParser.parse(data.getBytes());
    } catch (InvalidEnvelopeException e) {
      failAuth(ErrorCode.INVALID_MESSAGE, "the first message must be an auth envelope: " + e.getMessage());
      return;
    }
    if (!env.isAuth()) {
      failAuth(ErrorCode.INVALID_MESSAGE, "the first message must be auth, got " + env.type());
      return;
    }
    Role claimed = Role.fromWire(env.authRole());
    if (claimed == null) {
      failAuth(ErrorCode.UNAUTHORIZED, "role must be \"phone\" or \"agent\"");
      return;
    }
    if (!Tokens.wellFormed(env.authToken())) {
      failAuth(ErrorCode.UNAUTHORIZED, "invalid pairing token");
      return;
    }
    String hash = Tokens.hash(env.authToken());
    state = State.AUTHENTICATING;
    ws.pause();
    edge.services().store().find(hash).onComplete(ar -> {
      if (state != State.AUTHENTICATING) return;
      if (ar.failed()) {
        failAuth(ErrorCode.SERVICE_UNAVAILABLE, "the relay cannot verify tokens right now; retry shortly");
        return;
      }
      TokenRecord record = ar.result();
      if (record == null) {
        failAuth(ErrorCode.UNAUTHORIZED, "invalid pairing token");
      } else if (record.expired(System.currentTimeMillis())) {
        failAuth(ErrorCode.UNAUTHORIZED, "pairing token expired");
      } else {
        register(record, claimed);
      }
    });
  }

  private void register(TokenRecord record, Role claimed) {
    tokenHash = record.hash();
    role = claimed;
    limits = edge.relayConfig().limits().with(record.overrides());
    expiresAt = record.expiresAt();
    edge.services().presence().register(tokenHash, role, edge.address(), id).onComplete(ar -> {
      if (ar.failed()) {
        if (state == State.AUTHENTICATING) {
          failAuth(ErrorCode.SERVICE_UNAVAILABLE, "the relay cannot register connections right now; retry shortly");
        }
        return;
      }
      Registration reg = ar.result();
      self = reg.self();
      if (state != State.AUTHENTICATING) { // the socket closed meanwhile: undo the registration
        unregister();
        return;
      }
      learnPeer(reg.peer());
      if (reg.replaced() == null) {
        completeAuth(reg);
      } else {
        // Fence the older connection before this one goes live, so nothing reaches both.
        edge.requestClose(new EdgeMessage.Close(reg.replaced(), CLOSE_REPLACED, "replaced by a newer connection"))
            .onComplete(fenced -> {
              // An unanswered close means the old connection's node died: for the peer that is a
              // real offline-then-online transition, not a quiet takeover.
              if (!fenced.result() && reg.peer() != null) {
                edge.send(new EdgeMessage.PeerOffline(reg.peer(), reg.replaced()));
              }
              completeAuth(reg);
            });
      }
    });
  }

  private void completeAuth(Registration reg) {
    if (state != State.AUTHENTICATING) {
      return; // closed while fencing; cleanUp unregistered
    }
    edge.services().limiter().usage(tokenHash).onComplete(ar -> {
      if (state != State.AUTHENTICATING) return;
      Usage usage = ar.succeeded() ? ar.result() : Usage.NONE;
      cancelAuthTimer();
      state = State.ACTIVE;
      edge.metrics().authenticated(role, +1);
      edge.metrics().authResult("ok");
      LOG.info(role.wire() + " connected for token " + Tokens.idOf(tokenHash) + (peer != null ? " (paired)" : ""));
      // The peer hears of us first, so it stops addressing a connection we replaced as early as possible.
      if (reg.peer() != null) edge.send(new EdgeMessage.PeerOnline(reg.peer(), self));
      sendRelay(RelayMessages.authOk(peer != null, limits.dailyBytes(), usage.dailyUsedBytes(),
          limits.monthlyBytes(), usage.monthlyUsedBytes()));
      if (heldDeliveries != null) {
        List<EdgeMessage.Deliver> held = heldDeliveries;
        heldDeliveries = null;
        held.forEach(this::deliver);
      }
      ws.resume();
    });
  }

  private void failAuth(ErrorCode code, String message) {
    edge.metrics().authResult(code.name().toLowerCase());
    sendRelay(RelayMessages.authFail(code, message));
    closeSocket(CLOSE_AUTH, code == ErrorCode.INVALID_MESSAGE ? "invalid auth message" : "unauthorized");
  }

  // ---------------------------------------------------------------- client messages

  private void onClientMessage(Buffer data, long size, boolean binary, boolean oversize) {
    if (oversize) {
      refuseAfterRateCheck(null, DropReason.MESSAGE_TOO_LARGE, ErrorCode.MESSAGE_TOO_LARGE,
          "message is " + size + " bytes; the limit is " + limits.maxMessageBytes());
      return;
    }
    if (binary) {
      refuseAfterRateCheck(null, DropReason.BINARY_FRAME, ErrorCode.INVALID_MESSAGE,
          "binary frames are not supported: send JSON envelopes as text");
      return;
    }
    long receivedAt = System.nanoTime();
    byte[] frame = data.getBytes();
    Envelope env;
    try {
      env = EnvelopeParser.parse(frame);
    } catch (InvalidEnvelopeException e) {
      refuseAfterRateCheck(e.messageId(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE, e.getMessage());
      return;
    }
    String type = env.type();
    if (type.equals(MessageTypes.PING)) {
      // In line with earlier frames whose checks are still pending, so a pong is a true barrier.
      whenDecided(Future.succeededFuture(Decision.ALLOW), d -> sendRelay(RelayMessages.pong()));
      return;
    }
    if (type.equals(MessageTypes.PONG)) return;
    if (MessageTypes.isRelayReserved(type)) {
      refuseAfterRateCheck(env.id(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE,
          type + " is reserved for the relay and cannot be sent by clients");
      return;
    }
    String rule = MessageTypes.directionViolation(role, type);
    if (rule != null) {
      refuseAfterRateCheck(env.id(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE, rule);
      return;
    }
    ConnRef target = peer;
    if (target == null) {
      refuseAfterRateCheck(env.id(), DropReason.PEER_OFFLINE, ErrorCode.PEER_OFFLINE, "your peer is not connected");
      return;
    }
    whenDecided(edge.services().limiter().check(tokenHash, role, limits, size), decision -> {
      if (!decision.allowed()) {
        refuse(env.id(), decision);
        return;
      }
      edge.send(new EdgeMessage.Deliver(target, self, env.id(), frame, receivedAt));
    });
  }

  /** Every client frame counts toward the rate limit; a refused one reports the rate limit instead. */
  private void refuseAfterRateCheck(String refId, DropReason reason, ErrorCode code, String message) {
    whenDecided(edge.services().limiter().check(tokenHash, role, limits, 0), decision -> {
      if (!decision.allowed()) {
        refuse(refId, decision);
      } else {
        edge.metrics().undelivered(reason);
        sendRelay(RelayMessages.error(code, message, refId, -1));
      }
    });
  }

  private void refuse(String refId, Decision decision) {
    ErrorCode code = decision.refusal();
    edge.metrics().undelivered(DropReason.valueOf(code.name()));
    String message = switch (code) {
      case RATE_LIMITED -> "too many messages for this token and role (" + limits.perMinute(role) + " per minute)";
      case DAILY_QUOTA_EXCEEDED -> "daily bandwidth quota of " + limits.dailyBytes() + " bytes reached (resets at 00:00 UTC)";
      case MONTHLY_QUOTA_EXCEEDED -> "monthly bandwidth quota of " + limits.monthlyBytes() + " bytes reached";
      default -> code.name();
    };
    sendRelay(RelayMessages.error(code, message, refId, decision.retryAfterMs()));
  }

  /**
   * Runs {@code then} on the decision, in arrival order. A decision already known (standalone)
   * runs at once when nothing is pending; otherwise decisions queue here and run strictly in the
   * order their frames arrived, however their checks (Redis calls in cluster mode) complete. Many
   * checks may be in flight per connection — pipelined, not one round trip at a time — and past
   * {@link #MAX_DECISIONS_IN_FLIGHT} the socket is paused, so the queue stays bounded.
   */
  private void whenDecided(Future<Decision> decision, Consumer<Decision> then) {
    if (pendingDecisions == null && decision.isComplete()) {
      then.accept(decision.succeeded() ? decision.result() : Decision.ALLOW);
      return;
    }
    if (pendingDecisions == null) pendingDecisions = new ArrayDeque<>();
    pendingDecisions.add(new PendingDecision(decision, then));
    if (pendingDecisions.size() == MAX_DECISIONS_IN_FLIGHT) ws.pause();
    decision.onComplete(ar -> runReadyDecisions());
  }

  private void runReadyDecisions() {
    while (pendingDecisions != null && !pendingDecisions.isEmpty() && pendingDecisions.peek().decision().isComplete()) {
      PendingDecision d = pendingDecisions.poll();
      if (state == State.ACTIVE) {
        d.then().accept(d.decision().succeeded() ? d.decision().result() : Decision.ALLOW);
      }
      if (pendingDecisions.size() == MAX_DECISIONS_IN_FLIGHT - 1) ws.resume();
    }
    if (pendingDecisions != null && pendingDecisions.isEmpty()) pendingDecisions = null;
  }

  private record PendingDecision(Future<Decision> decision, Consumer<Decision> then) {}

  // ---------------------------------------------------------------- messages from other connections

  void onEdgeMessage(EdgeMessage m) {
    if (m instanceof EdgeMessage.Deliver d) {
      onDeliver(d);
    } else if (m instanceof EdgeMessage.Bounce b) {
      if (state == State.ACTIVE && isFor(b.target())) {
        sendRelay(RelayMessages.error(b.code(), b.reason(), b.messageId(), b.retryAfterMs()));
      }
    } else if (m instanceof EdgeMessage.PeerOnline p) {
      if (isFor(p.target()) && p.peer().epoch() > peerEpoch) {
        boolean wasOnline = peer != null;
        learnPeer(p.peer());
        if (!wasOnline && state == State.ACTIVE) sendRelay(RelayMessages.status(true));
      }
    } else if (m instanceof EdgeMessage.PeerOffline p) {
      if (isFor(p.target()) && peer != null && p.peer().epoch() >= peerEpoch) {
        peer = null;
        peerEpoch = p.peer().epoch();
        if (state == State.ACTIVE) sendRelay(RelayMessages.status(false));
      }
    }
  }

  /** The node holding our peer is gone: the peer is offline (a newer epoch may still announce itself). */
  void onPeerNodeLeft(String addressPrefix) {
    if (peer != null && peer.address().startsWith(addressPrefix)) {
      peer = null;
      if (state == State.ACTIVE) sendRelay(RelayMessages.status(false));
    }
  }

  boolean isFor(ConnRef target) {
    return self != null && self.epoch() == target.epoch();
  }

  private void learnPeer(ConnRef ref) {
    if (ref != null && ref.epoch() > peerEpoch) {
      peer = ref;
      peerEpoch = ref.epoch();
    }
  }

  private void onDeliver(EdgeMessage.Deliver d) {
    if (!isFor(d.target()) || state == State.CLOSED || state == State.AWAITING_AUTH) {
      bounce(d, DropReason.PEER_GONE, ErrorCode.PEER_OFFLINE, "your peer disconnected before the message arrived", -1);
      return;
    }
    if (state == State.AUTHENTICATING) {
      if (heldDeliveries == null) heldDeliveries = new ArrayList<>(2);
      if (heldDeliveries.size() >= 64) {
        bounce(d, DropReason.PEER_SLOW, ErrorCode.RATE_LIMITED, "your peer is still connecting; retry shortly", 500);
      } else {
        heldDeliveries.add(d);
      }
      return;
    }
    deliver(d);
  }

  private void deliver(EdgeMessage.Deliver d) {
    int size = d.frame().length;
    if (pendingBytes > 0 && pendingBytes + size > edge.relayConfig().websocket().sendQueueBytes()) {
      bounce(d, DropReason.PEER_SLOW, ErrorCode.RATE_LIMITED,
          "your peer is reading more slowly than you send; retry later", 1000);
      return;
    }
    write(VertxInternals.textFrame(d.frame()), size);
    boolean sameNode = edge.isLocal(d.sender().address());
    edge.metrics().delivered(size, !sameNode);
    if (sameNode) edge.metrics().forwardLatency(System.nanoTime() - d.receivedAtNanos());
  }

  private void bounce(EdgeMessage.Deliver d, DropReason reason, ErrorCode code, String message, long retryAfterMs) {
    edge.metrics().undelivered(reason);
    edge.send(new EdgeMessage.Bounce(d.sender(), d.messageId(), code, message, retryAfterMs));
  }

  // ---------------------------------------------------------------- outbound

  /** Queues a relay-made message, unless the client is not reading at all (then it is counted and dropped). */
  private void sendRelay(String text) {
    if (state == State.CLOSED) return;
    int size = text.length();
    if (pendingBytes > 0 && pendingBytes + size > edge.relayConfig().websocket().sendQueueBytes()) {
      edge.metrics().relayMessageNotSent();
      return;
    }
    write(WebSocketFrame.textFrame(text, true), size);
  }

  private void write(WebSocketFrame frame, int size) {
    if (pendingBytes == 0) lastDrainAt = edge.now();
    pendingBytes += size;
    ws.writeFrame(frame).onComplete(ar -> {
      pendingBytes -= size;
      lastDrainAt = edge.now();
    });
  }

  // ---------------------------------------------------------------- housekeeping (called by the edge's sweep)

  /** Slow-consumer, heartbeat and expiry checks; closes what must go. */
  void sweep(long now, boolean heartbeatDue) {
    RelayConfig.WebSocket settings = edge.relayConfig().websocket();
    if (state == State.CLOSED) return;
    if (pendingBytes > 0 && now - lastDrainAt > settings.slowConsumerTimeoutMs()) {
      edge.metrics().slowConsumerClosed();
      closeSocket(CLOSE_POLICY, "slow consumer: nothing read for " + settings.slowConsumerTimeoutMs() + " ms");
      return;
    }
    if (heartbeatDue) {
      if (now - lastSeenAt > 3 * settings.heartbeatIntervalMs()) {
        closeSocket(CLOSE_HEARTBEAT, "heartbeat timeout");
        return;
      }
      if (state == State.ACTIVE && expiresAt > 0 && System.currentTimeMillis() >= expiresAt) {
        closeSocket(CLOSE_AUTH, "pairing token expired");
        return;
      }
      ws.writePing(Buffer.buffer());
    }
  }

  /** Closes on behalf of the relay (revocation, takeover); from here on nothing is sent or delivered. */
  void close(short code, String reason) {
    closeSocket(code, reason);
  }

  private void closeSocket(short code, String reason) {
    if (state == State.CLOSED) return;
    markClosed();
    unregister(); // at once: the peer hears "offline" now, not when the close handshake ends
    ws.close(code, reason);
    edge.vertx().setTimer(CLOSE_GRACE_MS, t -> {
      if (!cleanedUp) VertxInternals.forceClose(ws);
    });
  }

  void forceClose() {
    VertxInternals.forceClose(ws);
  }

  private void cleanUp() {
    if (cleanedUp) return;
    cleanedUp = true;
    markClosed();
    edge.forget(this);
    if (heldDeliveries != null) {
      heldDeliveries.forEach(d -> bounce(d, DropReason.PEER_GONE, ErrorCode.PEER_OFFLINE,
          "your peer disconnected before the message arrived", -1));
      heldDeliveries = null;
    }
    unregister();
  }

  /** The one transition into CLOSED, so the per-role gauge moves exactly once. */
  private void markClosed() {
    if (state == State.ACTIVE) {
      edge.metrics().authenticated(role, -1);
      LOG.info(role.wire() + " disconnected from token " + Tokens.idOf(tokenHash));
    }
    state = State.CLOSED;
    cancelAuthTimer();
  }

  private void unregister() {
    if (self == null || unregistered) return;
    unregistered = true;
    ConnRef me = self;
    edge.services().presence().unregister(tokenHash, role, me).onSuccess(p -> {
      if (p != null) edge.send(new EdgeMessage.PeerOffline(p, me));
    });
  }

  private void cancelAuthTimer() {
    if (authTimer >= 0) {
      edge.vertx().cancelTimer(authTimer);
      authTimer = -1;
    }
  }
}
