package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.protocol.RelayMessages;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import dev.coralmux.relay.routing.Registration;
import dev.coralmux.relay.store.Tokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.logging.Logger;

/**
 * One client WebSocket, from upgrade to close, confined to its edge verticle's event loop. It
 * composes the parts that each do one job — {@link FrameAssembler}, {@link AuthHandshake},
 * {@link MessageRules}, {@link DecisionQueue}, {@link PeerLink}, {@link Outbox} — and owns
 * the state machine: waiting for {@code auth} → authenticating (socket paused) → active → closed.
 * Every message it does not deliver is counted under one {@link DropReason}.
 */
final class Connection {
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  enum State { AWAITING_AUTH, AUTHENTICATING, ACTIVE, CLOSED }

  private final EdgeVerticle edge;
  private final EdgeDependencies deps;
  private final RelayConfig.WebSocket settings;
  private final RelayMetrics metrics;
  private final ServerWebSocket ws;
  final long id;
  private final FrameAssembler assembler;
  private final DecisionQueue decisions;
  private final Outbox outbox;
  private final PeerLink peer = new PeerLink();
  private Forwarder forwarder; // once authenticated
  private InOrderDelivery inOrder; // once registered, when the history is on
  private Arrivals arrivals; // once a peer on another node sent a message here
  private State state = State.AWAITING_AUTH;
  private long authTimer = -1;
  private long expiryTimer = -1;
  private Runnable preAuth; // releases this socket's pre-auth slot, once
  private long lastSeenAt;

  // Known once auth is asked for (tokenHash, role), registered (self) or authenticated (limits, expiresAt).
  private String tokenHash;
  private Role role;
  private DeliveryCaps caps = DeliveryCaps.NONE;
  private ConnRef self;
  private Limits limits;
  private long expiresAt;

  private boolean cleanedUp;
  private boolean unregistered;
  private boolean countedPaired;

  /** @param authenticatedOrGone called once: when the socket authenticates or closes before that */
  Connection(EdgeVerticle edge, ServerWebSocket ws, long id, Runnable authenticatedOrGone) {
    this.preAuth = authenticatedOrGone;
    this.edge = edge;
    this.deps = edge.deps();
    this.settings = deps.config().websocket();
    this.metrics = deps.metrics();
    this.ws = ws;
    this.id = id;
    this.lastSeenAt = edge.now();
    this.assembler = new FrameAssembler(settings.hardMaxMessageBytes());
    this.decisions = new DecisionQueue(settings.maxPendingDecisions(), settings.maxPendingDecisionBytes(),
        Refusals.onLimiterError(deps.config(), metrics), ws::pause, ws::resume);
    this.outbox = new Outbox(edge, new OutboundQueue(ws::writeFrame, settings.sendQueueBytes(), edge::now));
  }

  void start() {
    ws.frameHandler(this::onFrame);
    ws.pongHandler(b -> lastSeenAt = edge.now());
    ws.closeHandler(v -> cleanUp());
    ws.exceptionHandler(this::onSocketError);
    authTimer = edge.vertx().setTimer(settings.authTimeoutMs(), t -> {
      authTimer = -1;
      if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
        failAuth(ErrorCode.UNAUTHORIZED, "authentication timed out: send auth first");
      }
    });
  }

  /** A frame the decoder refused (too big, malformed): Vert.x drops the TCP connection next, so say why now. */
  private void onSocketError(Throwable e) {
    if (state == State.CLOSED || e instanceof HttpClosedException) return;
    if (String.valueOf(e.getMessage()).startsWith("Max frame length")) tooBig();
    else close(CloseCodes.PROTOCOL_ERROR, "protocol error");
  }

  private void tooBig() {
    metrics.undelivered(DropReason.MESSAGE_TOO_LARGE);
    close(CloseCodes.TOO_BIG, "message too big");
  }

  private void onFrame(WebSocketFrame frame) {
    lastSeenAt = edge.now();
    if (state == State.CLOSED) return;
    FrameAssembler.Message m = assembler.accept(frame, maxMessageBytes());
    if (m == null) return;
    if (m == FrameAssembler.TOO_BIG) {
      tooBig();
      return;
    }
    switch (state) {
      case AWAITING_AUTH -> onAuthMessage(m);
      case ACTIVE -> forwarder.onMessage(m);
      default -> metrics.undelivered(DropReason.NOT_AUTHENTICATED);
    }
  }

  /** Before auth only a small auth message is accepted: a socket nobody knows gets no large buffer. */
  private long maxMessageBytes() {
    return limits != null ? limits.maxMessageBytes() : settings.maxAuthMessageBytes();
  }

  private void leavePreAuth() {
    Runnable r = preAuth;
    preAuth = null;
    if (r != null) r.run();
  }

  private void onAuthMessage(FrameAssembler.Message m) {
    AuthHandshake.Request req;
    try {
      req = AuthHandshake.parse(m);
    } catch (AuthHandshake.Failure f) {
      failAuth(f.code, f.getMessage());
      return;
    }
    tokenHash = req.tokenHash();
    role = req.role();
    caps = req.caps();
    state = State.AUTHENTICATING;
    ws.pause();
    edge.handshake().run(req, edge.address(), id, () -> state == State.AUTHENTICATING, this::onRegistered)
        .onComplete(ar -> {
          if (state != State.AUTHENTICATING) return;
          if (ar.succeeded()) {
            goLive(ar.result());
          } else if (ar.cause() instanceof AuthHandshake.Failure f) {
            failAuth(f.code, f.getMessage());
          } else {
            failAuth(ErrorCode.SERVICE_UNAVAILABLE, "the relay cannot complete authentication right now; retry shortly");
          }
        });
  }

  private void onRegistered(Registration reg) {
    self = reg.self();
    peer.learn(reg.peer());
    if (deps.config().history().enabled()) {
      inOrder = new InOrderDelivery(deps.history(), tokenHash, role, self, outbox, metrics, edge.vertx());
    }
    if (state != State.AUTHENTICATING) unregister(); // closed meanwhile: undo at once
  }

  private void goLive(AuthHandshake.Result r) {
    cancelAuthTimer();
    leavePreAuth();
    limits = deps.config().limits().with(r.token().overrides());
    expiresAt = r.token().expiresAt();
    state = State.ACTIVE;
    forwarder = new Forwarder(deps, tokenHash, role, limits, caps, self, peer, decisions, edge::send, this::sendRelay,
        () -> state == State.ACTIVE, this::recountPaired, () -> close(CloseCodes.REPLACED, "replaced by a newer connection"),
        new CrossNodeSends(edge.sendWindow(), deps.crossNode().maxPerConnection(), a -> !edge.isLocal(a)));
    recountPaired();
    if (expiresAt > 0) { // closed at expiry, not at the next heartbeat
      expiryTimer = edge.vertx().setTimer(Math.max(1, expiresAt - System.currentTimeMillis()),
          t -> close(CloseCodes.AUTH, "pairing token expired"));
    }
    metrics.authenticated(role, +1);
    metrics.authResult("ok");
    LOG.info(role.wire() + " connected for token " + Tokens.idOf(tokenHash) + (peer.current() != null ? " (paired)" : ""));
    // The peer hears of us first, so it stops addressing a connection we replaced as early as possible.
    if (r.registration().peer() != null) edge.send(new EdgeMessage.PeerOnline(r.registration().peer(), self));
    sendRelay(r.authOk(peer.current() != null, limits, caps.resume()));
    if (inOrder != null && r.replay() != null) { // what was kept for us first, then anything newer, each once
      outbox.onWritten(seq -> deps.history().delivered(tokenHash, role, seq), inOrder::onWritten);
      inOrder.start(r.replay().after(), r.replay().head());
    }
    outbox.releaseHeld(this::deliverNow);
    ws.resume();
  }

  private void failAuth(ErrorCode code, String message) {
    metrics.authResult(code.name().toLowerCase());
    sendRelay(RelayMessages.authFail(code, message));
    close(CloseCodes.AUTH, code == ErrorCode.INVALID_MESSAGE ? "invalid auth message" : "unauthorized");
  }

  void onEdgeMessage(EdgeMessage m) {
    if (m.confirmSeq() > 0 && isFor(m.target())) arrivals = Arrivals.of(arrivals, self, edge.receipts()).arrived(m);
    if (m instanceof EdgeMessage.Deliver d) {
      onDeliver(d);
    } else if (m instanceof EdgeMessage.Bounce b) {
      if (isFor(b.target()) && forwarder != null) forwarder.onBounce(b); // only an active connection sent any
    } else if (m instanceof EdgeMessage.Ack a) {
      if (isFor(a.target()) && state == State.ACTIVE) sendRelay(RelayMessages.ack(a.messageId(), a.delivered()));
    } else if (m instanceof EdgeMessage.Sync y) {
      if (isFor(y.target()) && inOrder != null) inOrder.onSync(y.lastSeq());
    } else if (m instanceof EdgeMessage.PeerOnline p) {
      if (!isFor(p.target())) return;
      PeerLink.Change change = peer.learn(p.peer());
      if (state != State.ACTIVE || change == PeerLink.Change.NONE) return;
      forwarder.syncWith(p.peer());
      if (inOrder != null) inOrder.catchUp(); // copies from the peer's old connection may have died with it
      // A takeover is told too: a stolen token must not replace the peer unnoticed.
      sendRelay(change == PeerLink.Change.ONLINE ? RelayMessages.status(true) : RelayMessages.statusReplaced());
    } else if (m instanceof EdgeMessage.PeerOffline p) {
      if (isFor(p.target()) && peer.lose(p.peer()) && state == State.ACTIVE) sendRelay(RelayMessages.status(false));
    }
    recountPaired();
  }

  /** The node holding our peer is gone: the peer is offline (a newer epoch may still announce itself). */
  void onPeerNodeLeft(String addressPrefix) {
    if (forwarder != null) forwarder.nodeLeft(addressPrefix);
    if (peer.nodeLeft(addressPrefix) && state == State.ACTIVE) sendRelay(RelayMessages.status(false));
    recountPaired();
  }

  /** After a partition healed: a newer connection of ours closes this one; a peer that is back is announced. */
  void reconcile() {
    if (state != State.ACTIVE) return;
    deps.presence().locate(tokenHash, role).onSuccess(mine -> {
      if (mine != null && mine.epoch() > self.epoch()) close(CloseCodes.REPLACED, "replaced by a newer connection");
      else deps.presence().locate(tokenHash, role.peer()).onSuccess(p -> {
        if (p != null && state == State.ACTIVE) onEdgeMessage(new EdgeMessage.PeerOnline(self, p));
      });
    });
  }

  boolean isFor(ConnRef target) {
    return self != null && self.epoch() == target.epoch();
  }

  /** The peer's node says what arrived of this connection's messages to {@code receiver} ({@link Receipts}). */
  void onReceipt(ConnRef receiver, long upTo, long lostFrom) {
    if (forwarder != null) forwarder.onReceipt(receiver, upTo, lostFrom);
  }

  private void onDeliver(EdgeMessage.Deliver d) {
    if (!isFor(d.target()) || state == State.CLOSED || state == State.AWAITING_AUTH) {
      outbox.returnToSender(d);
    } else if (d.sender() != null && peer.superseded(d.sender())) {
      // From a connection that was replaced and has not noticed yet (its close timed out: a GC
      // pause, a partition): it must not be heard any more (invariant 1, receive side).
      metrics.undelivered(DropReason.FENCED);
    } else if (state == State.AUTHENTICATING && !(d.kept() && inOrder != null)) {
      outbox.hold(d); // a kept one is read from the history once live, in order
    } else {
      deliverNow(d);
    }
  }

  private void deliverNow(EdgeMessage.Deliver d) {
    if (inOrder != null) inOrder.onDeliver(d); // unnumbered ones too: they must not overtake kept ones being read
    else outbox.deliver(d);
  }

  private void sendRelay(String text) {
    if (state != State.CLOSED) outbox.sendRelay(text);
  }

  /** Slow-consumer, heartbeat and expiry checks; closes what must go. */
  void sweep(long now, boolean heartbeatDue) {
    if (state == State.CLOSED) return;
    if (outbox.stalled(now)) {
      metrics.slowConsumerClosed();
      close(CloseCodes.POLICY, "slow consumer: nothing read for " + settings.slowConsumerTimeoutMs() + " ms");
      return;
    }
    if (forwarder != null) forwarder.expireUnconfirmed(now, deps.crossNode().confirmTimeoutMs());
    if (!heartbeatDue) return;
    if (now - lastSeenAt > 3 * settings.heartbeatIntervalMs()) {
      close(CloseCodes.HEARTBEAT, "heartbeat timeout");
    } else {
      ws.writePing(Buffer.buffer());
    }
  }

  /**
   * Closes on behalf of the relay; from here on nothing is sent or delivered. Sends the close frame
   * and leaves the directory at once (the peer hears "offline" now). A client that reads nothing
   * cannot take the close frame: the write-idle timeout ({@link EdgeVerticle#writeIdleMs}) cuts it.
   */
  void close(short code, String reason) {
    if (state == State.CLOSED) return;
    markClosed();
    unregister();
    ws.close(code, reason);
  }

  private void cleanUp() {
    if (cleanedUp) return;
    cleanedUp = true;
    markClosed();
    edge.forget(this);
    outbox.returnHeld();
    unregister();
  }

  /** The one transition into CLOSED: the per-role gauge moves once, waiting decisions are counted as lost. */
  private void markClosed() {
    if (state == State.ACTIVE) {
      metrics.authenticated(role, -1);
      LOG.info(role.wire() + " disconnected from token " + Tokens.idOf(tokenHash));
    }
    state = State.CLOSED;
    recountPaired();
    cancelAuthTimer();
    leavePreAuth();
    if (expiryTimer >= 0) edge.vertx().cancelTimer(expiryTimer);
    if (inOrder != null) inOrder.close();
    if (forwarder != null) forwarder.close();
    decisions.close();
  }

  private void unregister() {
    if (self == null || unregistered) return;
    unregistered = true;
    ConnRef me = self;
    deps.presence().unregister(tokenHash, role, me).onSuccess(p -> {
      if (p != null) edge.send(new EdgeMessage.PeerOffline(p, me));
    });
  }

  /** Keeps this node's count of paired phones (each pair counted once, on its phone's node) true. */
  private void recountPaired() {
    boolean paired = state == State.ACTIVE && role == Role.PHONE && peer.current() != null;
    if (paired == countedPaired) return;
    countedPaired = paired;
    metrics.pairedPhone(paired ? +1 : -1);
  }

  private void cancelAuthTimer() {
    if (authTimer >= 0) edge.vertx().cancelTimer(authTimer);
    authTimer = -1;
  }
}
