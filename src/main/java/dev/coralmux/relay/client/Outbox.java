package dev.coralmux.relay.client;

import dev.coralmux.relay.protocol.MessageTypes;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Gets the app's messages out, in order. A message waits (bounded in number and time) while it
 * cannot be sealed or has nowhere to go, and never leaves in plaintext when E2E is on. Then it is
 * sealed once, with a fresh envelope id, and written.
 *
 * <p>When the relay resumes (reliable delivery), every message except {@code key_exchange} is kept
 * in {@link UnackedSends} until the relay acks it, and its future completes on that ack (it fails
 * on the relay's refusal); while disconnected, a message that can be sealed joins them at once and
 * goes on the next connection, after the unacked ones are resent unchanged. Otherwise (v1) the
 * future completes once the message is written to the socket, and a relay refusal reaches only the
 * listener. Confined to the client's context.
 *
 * <p>A send's future fails with a {@link RelayException} whose code says why: CLOSED (the client
 * stopped or was replaced before the relay took it), PEER_OFFLINE (E2E on, no key ever agreed and
 * no peer to agree one with), E2E_MISMATCH, NOT_READY (no connection or key within 15 s, or 256
 * already waiting), OUTBOX_FULL (1,000 messages or 8 MiB not yet acked: a new send is refused,
 * nothing already taken is dropped), UNCONFIRMED (the relay stopped resuming across a reconnect),
 * or the relay's own refusal code (RATE_LIMITED, MESSAGE_TOO_LARGE, ...).
 */
final class Outbox {
  /** Relay-made with reliable delivery (not listed in MessageTypes yet). */
  static final String ACK = "ack";
  private static final int MAX_WAITING = 256;
  /** Unacked sends kept for resending: at most the relay's default history per direction (1,000 messages, 8 MiB). */
  private static final int MAX_UNACKED = 1_000;
  private static final long MAX_UNACKED_BYTES = 8L << 20;

  private final Vertx vertx;
  private final KeyAgreement e2e;
  private final PeerSession peer;
  private final WaitingSends waiting;
  private final UnackedSends unacked;
  private WebSocket link; // the authenticated connection, or null
  private boolean resuming; // whether the relay of the current (or last) connection resumes and acks
  private boolean stopped;

  Outbox(Vertx vertx, KeyAgreement e2e, PeerSession peer) {
    this.vertx = vertx;
    this.e2e = e2e;
    this.peer = peer;
    this.waiting = new WaitingSends(MAX_WAITING);
    this.unacked = new UnackedSends(MAX_UNACKED, MAX_UNACKED_BYTES);
  }

  /** A v1 envelope's wire text. */
  static String envelope(String type, String id, JsonObject payload) {
    return new JsonObject().put("v", 1).put("type", type).put("id", id).put("ts", System.currentTimeMillis())
        .put("payload", payload).encode();
  }

  void send(WaitingSends.Outgoing out) {
    if (stopped) {
      out.sent().fail(new RelayException("CLOSED", "the client is stopped"));
      return;
    }
    boolean keyExchange = out.type().equals(MessageTypes.KEY_EXCHANGE); // the app may send one too
    boolean needsKey = e2e.enabled() && !keyExchange;
    boolean kept = resuming && !keyExchange; // a stale key must never be resent
    if ((!needsKey || e2e.canEncrypt()) && (link != null || kept)) {
      seal(out, needsKey, kept);
    } else if (link != null && needsKey && !peer.online()) {
      out.sent().fail(new RelayException("PEER_OFFLINE", "the peer is not connected; nothing to encrypt for"));
    } else if (needsKey && peer.mismatched()) {
      out.sent().fail(new RelayException("E2E_MISMATCH", "the peer does not encrypt end to end"));
    } else if (!waiting.offer(out)) {
      out.sent().fail(new RelayException("NOT_READY", "too many messages waiting for the connection or key exchange"));
    } else {
      // Not connected yet, or no key yet: wait (bounded in number and time) rather than fail or leak plaintext.
      vertx.setTimer(Math.max(1, out.deadline() - System.currentTimeMillis()), t -> waiting.expire(System.currentTimeMillis()));
    }
  }

  private void seal(WaitingSends.Outgoing out, boolean encrypt, boolean kept) {
    String id = UUID.randomUUID().toString();
    String text = envelope(out.type(), id, encrypt ? e2e.encrypt(out.payload()) : out.payload());
    if (!kept) {
      link.writeTextMessage(text).onComplete(out.sent());
    } else if (!unacked.add(id, text, out.sent())) {
      out.sent().fail(new RelayException("OUTBOX_FULL", "too many messages (or bytes) not yet acknowledged by the relay ("
          + unacked.size() + " messages, " + unacked.bytes() + " bytes); try again once it has caught up"));
    } else if (link != null) {
      link.writeTextMessage(text); // a write lost with the connection is resent on the next one
    }
  }

  /** Authenticated: first of all, resend what the relay has not acked (when it resumes). Then {@link #flush}. */
  void connected(WebSocket ws, boolean resumes) {
    link = ws;
    resuming = resumes;
    if (resumes) unacked.texts().forEach(ws::writeTextMessage);
    else unacked.failAll("UNCONFIRMED", "the relay no longer resumes: whether the peer got this message is unknown");
  }

  /** Our key, for this connection only: never queued, kept or resent (a stale key must not arrive later). */
  void sendKey(JsonObject payload) {
    if (link != null) link.writeTextMessage(envelope(MessageTypes.KEY_EXCHANGE, UUID.randomUUID().toString(), payload));
  }

  void disconnected() {
    link = null;
  }

  /** Something changed (a key, the peer's presence, the connection): each waiting send goes, fails, or waits again. */
  void flush() {
    waiting.takeAll().forEach(this::send);
  }

  /** The relay acked one of our messages: it holds it now. */
  void acked(String refId) {
    UnackedSends.Entry e = unacked.remove(refId);
    if (e != null) e.done().tryComplete();
  }

  /** The relay refused one of our messages (a {@code chat.error} with its id): it will not be resent. */
  void refused(String refId, String code, String message) {
    UnackedSends.Entry e = unacked.remove(refId);
    if (e != null) e.done().tryFail(new RelayException(code, message));
  }

  /** The peer does not encrypt: what waits for a key would wait in vain. */
  void failWaiting(String code, String message) {
    waiting.failAll(code, message);
  }

  /** For good: everything not yet sent or not yet acked fails. */
  void stop(String code, String message) {
    stopped = true;
    link = null;
    waiting.failAll(code, message);
    unacked.failAll(code, message);
  }
}
