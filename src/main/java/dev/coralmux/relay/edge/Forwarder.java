package dev.coralmux.relay.edge;

import dev.coralmux.relay.history.HistoryBounds;
import dev.coralmux.relay.history.Keep;
import dev.coralmux.relay.limits.Decision;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.limits.RateClass;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.protocol.MessageTypes;
import dev.coralmux.relay.protocol.RelayMessages;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * An authenticated client's messages towards its peer: envelope rules, the route (cached peer,
 * else the directory), the limit decision in arrival order, then the event bus. Every message
 * not forwarded is refused to its sender and counted under one reason.
 */
final class Forwarder {
  private final EdgeDependencies deps;
  private final RelayMetrics metrics;
  private final String tokenHash;
  private final Role role;
  private final Limits limits;
  private final ConnRef self;
  private final PeerLink peer;
  private final DecisionQueue decisions;
  private final Consumer<EdgeMessage> bus;
  private final Consumer<String> reply;
  private final Runnable replaced; // closes this connection as replaced
  private final BooleanSupplier active;
  private final Runnable peerChanged;
  private final DeliveryCaps caps;
  private final CrossNodeSends unconfirmed;
  /** Bounds of the history messages are kept in, or null when the history is off. */
  private final HistoryBounds history;
  /** The newest sequence number this connection had kept: what a new reader connection is told ({@link #syncWith}). */
  private long lastSeq;
  /** A kept message or Sync to the peer's node was lost: the peer must be told again how far the history goes. */
  private boolean resyncDue;
  private Future<ConnRef> lastRoute = Future.succeededFuture();

  /**
   * @param reply writes a relay-made message to this client
   * @param active whether the connection is still live (notices are only told to a live client)
   * @param peerChanged told when this part learned of the peer itself (from the directory)
   */
  Forwarder(EdgeDependencies deps, String tokenHash, Role role, Limits limits, DeliveryCaps caps, ConnRef self,
            PeerLink peer, DecisionQueue decisions, Consumer<EdgeMessage> bus, Consumer<String> reply,
            BooleanSupplier active, Runnable peerChanged, Runnable replaced, CrossNodeSends unconfirmed) {
    this.deps = deps;
    this.metrics = deps.metrics();
    this.tokenHash = tokenHash;
    this.role = role;
    this.limits = limits;
    this.self = self;
    this.peer = peer;
    this.decisions = decisions;
    this.bus = bus;
    this.reply = reply;
    this.replaced = replaced;
    this.active = active;
    this.peerChanged = peerChanged;
    this.caps = caps;
    this.unconfirmed = unconfirmed;
    this.history = deps.config().history().enabled() && limits.keepsHistory()
        ? new HistoryBounds(limits.historyMessages(), limits.historyBytes(), deps.config().history().ttlMs()) : null;
  }

  void onMessage(FrameAssembler.Message m) {
    long receivedAt = System.nanoTime();
    MessageRules.Verdict verdict = MessageRules.check(role, m, limits.maxMessageBytes());
    if (verdict instanceof MessageRules.Ping) {
      // In line with earlier frames whose checks are pending, so a pong is a true barrier.
      decisions.add(Future.succeededFuture(Decision.ALLOW), 0, d -> reply.accept(RelayMessages.pong()), () -> { });
    } else if (verdict instanceof MessageRules.Refuse r) {
      refuseAfterRateCheck(r);
    } else if (verdict instanceof MessageRules.Forward f) {
      RateClass rate = RateClass.of(role, f.type());
      Future<ConnRef> target = routeInOrder();
      // A key is never kept: a stale one must not be replayed (RELIABLE-DELIVERY).
      Keep keep = history == null || f.type().equals(MessageTypes.KEY_EXCHANGE) ? null
          : new Keep(role.peer(), f.id(), f.frame(), self, caps.acks(), history, lastSeq); // numbered above lastSeq
      Future<Decision> decision = target.compose(t -> {
        if (t != null || (keep != null && caps.resume())) return deps.limiter().check(tokenHash, rate, limits, m.size(), keep);
        // No peer anywhere: the frame still counts toward the rate limit, and costs no quota.
        return deps.limiter().check(tokenHash, rate, limits, 0).map(d -> d.allowed() ? Refusals.NO_PEER : d);
      });
      decisions.add(decision, f.frame().length, d -> onDecision(f, d, rate, target.result(), receivedAt),
          () -> metrics.undelivered(DropReason.SENDER_CLOSED));
    }
    // A pong needs nothing.
  }

  /**
   * The route of each message once the previous one's is known, so the limit checks (which number
   * kept messages) are made in arrival order: a route is usually known at once (the cached peer),
   * and the Redis limiter runs a connection's checks in the order they are made.
   */
  private Future<ConnRef> routeInOrder() {
    Future<ConnRef> previous = lastRoute;
    Future<ConnRef> next = previous.isComplete() ? route() : previous.transform(x -> route());
    lastRoute = next;
    return next;
  }

  /**
   * Sends an allowed message to the peer's connection as known now (it may have changed since the
   * route was looked up). A kept message without a peer waits in the history: the reader's next
   * connection reads it there, or hears of it through {@link #syncWith}, whichever comes first.
   */
  private void onDecision(MessageRules.Forward f, Decision d, RateClass rate, ConnRef routed, long receivedAt) {
    if (d == Decision.FENCED) { // invariant 1 where kept messages are numbered: this connection was replaced
      metrics.undelivered(DropReason.FENCED);
      replaced.run();
      return;
    }
    if (!d.allowed()) {
      refuse(f.id(), d, rate);
      return;
    }
    if (d.duplicate()) { // a resend of a message kept already: acknowledged again, never forwarded twice
      metrics.duplicateSuppressed();
      if (caps.acks()) reply.accept(RelayMessages.ack(f.id(), d.delivered()));
      return;
    }
    ConnRef to = peer.current() != null ? peer.current() : routed;
    if (d.seq() > 0) {
      lastSeq = d.seq();
      metrics.historyKept(to == null);
      if (to == null) {
        if (caps.acks()) reply.accept(RelayMessages.ack(f.id(), false));
        return;
      }
    } else if (to == null) { // meant to be kept, but the history could not take it (Redis down): v1
      refuse(f.id(), Refusals.NO_PEER, rate);
      return;
    }
    long confirmSeq = 0; // same node: the local event bus loses nothing
    if (unconfirmed.needsConfirmation(to)) {
      long now = System.currentTimeMillis();
      confirmSeq = d.seq() > 0 ? unconfirmed.addKept(to, f.id(), d.seq(), now)
          : unconfirmed.add(to, f.id(), f.frame().length, now);
      if (confirmSeq == 0) { // too much on its way to other nodes already: refused now, never queued
        deps.limiter().refund(tokenHash, f.frame().length);
        metrics.undelivered(DropReason.CROSS_NODE_BACKLOG);
        reply.accept(RelayMessages.error(ErrorCode.RATE_LIMITED,
            "too many of your messages are still on their way to your peer's relay node; retry shortly", f.id(), 500));
        return;
      }
    }
    bus.accept(new EdgeMessage.Deliver(to, self, f.id(), f.frame(), receivedAt, d.seq(), caps.acks(), confirmSeq));
  }

  /**
   * The peer's node says what arrived of what this connection sent it ({@code lostFrom} 0), or
   * that numbers {@code lostFrom}..{@code upTo} never did.
   */
  void onReceipt(ConnRef receiver, long upTo, long lostFrom) {
    if (lostFrom == 0) unconfirmed.arrived(receiver, upTo);
    else unconfirmed.neverArrived(receiver, lostFrom, upTo, this::lostOnTheWay);
    resyncIfDue();
  }

  /** A message could not be delivered: its quota given back (a quota counts only what is forwarded), the client told. */
  void onBounce(EdgeMessage.Bounce b) {
    unconfirmed.bounced(b.messageId()); // reported here, not again when unconfirmed
    if (b.refundBytes() > 0) deps.limiter().refund(tokenHash, b.refundBytes());
    if (active.getAsBoolean()) reply.accept(RelayMessages.error(b.code(), b.reason(), b.messageId(), b.retryAfterMs()));
  }

  /** Reports what the peer's node has not confirmed within the timeout. */
  void expireUnconfirmed(long now, long timeoutMs) {
    unconfirmed.expire(now, timeoutMs, this::lostOnTheWay);
    resyncIfDue();
  }

  /** The node with this edge address prefix left the cluster: what was sent there unconfirmed is reported. */
  void nodeLeft(String addressPrefix) {
    unconfirmed.nodeLeft(addressPrefix, this::lostOnTheWay);
    resyncDue = false; // the peer's node is gone: its next connection reads the history at auth
  }

  void close() {
    unconfirmed.close();
  }

  /**
   * A v1 message charged but maybe never delivered: refunded, counted and told, with its id. A kept
   * one is in the history: the reader only needs telling again that it is there.
   */
  private void lostOnTheWay(CrossNodeSends.Sent s) {
    if (s.keptSeq() > 0) {
      resyncDue = true;
      return;
    }
    deps.limiter().refund(tokenHash, s.bytes());
    metrics.undelivered(DropReason.UNCONFIRMED);
    if (active.getAsBoolean()) {
      reply.accept(RelayMessages.error(ErrorCode.PEER_OFFLINE,
          "your peer's relay node did not confirm this message: it may not have reached your peer", s.messageId(), -1));
    }
  }

  /**
   * This connection learned of a new peer connection: tell it how far our kept messages go, so it
   * reads from the history any copy that went to the connection it replaced.
   */
  void syncWith(ConnRef newPeer) {
    if (lastSeq <= 0 || newPeer == null) return;
    EdgeMessage.Sync sync = new EdgeMessage.Sync(newPeer, self, lastSeq, 0);
    if (unconfirmed.needsConfirmation(newPeer)) {
      sync = sync.withConfirmSeq(unconfirmed.addKept(newPeer, null, lastSeq, System.currentTimeMillis()));
    }
    bus.accept(sync);
  }

  private void resyncIfDue() {
    if (!resyncDue) return;
    resyncDue = false;
    syncWith(peer.current());
  }

  /**
   * Where the peer is: the cached connection, else the directory's. The cache is only a hint — a
   * peer that authenticated a moment ago may not have announced itself here yet — so PEER_OFFLINE
   * is said only when the directory, too, shows no peer (invariant 3).
   */
  private Future<ConnRef> route() {
    if (peer.current() != null) return Future.succeededFuture(peer.current());
    return deps.presence().locate(tokenHash, role.peer()).map(ref -> {
      if (peer.learn(ref) == PeerLink.Change.ONLINE && active.getAsBoolean()) {
        reply.accept(RelayMessages.status(true));
        syncWith(ref);
        peerChanged.run();
      }
      return peer.current();
    }).otherwise((ConnRef) null);
  }

  /** Every client frame counts toward the rate limit; a refused one reports the rate limit instead. */
  private void refuseAfterRateCheck(MessageRules.Refuse r) {
    RateClass rate = RateClass.messages(role);
    decisions.add(deps.limiter().check(tokenHash, rate, limits, 0), 0, d -> {
      if (!d.allowed()) {
        refuse(r.refId(), d, rate);
      } else {
        metrics.undelivered(r.reason());
        reply.accept(RelayMessages.error(r.code(), r.message(), r.refId(), -1));
      }
    }, () -> metrics.undelivered(r.reason()));
  }

  private void refuse(String refId, Decision decision, RateClass rate) {
    metrics.undelivered(Refusals.reason(decision.refusal()));
    reply.accept(RelayMessages.error(decision.refusal(), Refusals.message(decision.refusal(), limits, rate), refId,
        decision.retryAfterMs()));
  }
}
