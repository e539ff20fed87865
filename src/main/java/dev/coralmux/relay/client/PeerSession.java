package dev.coralmux.relay.client;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The peer as this client sees it: whether it is online, and the end-to-end key agreed with it.
 * Offers our key whenever we connect to an online peer or the peer comes online, answers each new
 * peer key with ours, and decides what a reconnect or a status change does to the agreed key:
 * forgotten in v1, kept when the relay resumes (see {@link KeyAgreement}). Confined to the
 * client's context.
 */
final class PeerSession {
  /** How long an online peer may take to send its key before it is said not to encrypt. */
  private static final long KEY_WAIT_MS = 5_000;

  private final KeyAgreement e2e;
  private final RelayListener listener;
  private final KeyExchangeWatch keyWatch;
  private Outbox outbox;
  private boolean online;

  PeerSession(Vertx vertx, KeyAgreement e2e, RelayListener listener) {
    this.e2e = e2e;
    this.listener = listener;
    this.keyWatch = new KeyExchangeWatch(vertx, KEY_WAIT_MS, this::disagree);
  }

  /** Where our key goes and what to flush when the key state changes (the outbox asks us back whether the peer is online). */
  void sendsThrough(Outbox outbox) {
    this.outbox = outbox;
  }

  boolean online() {
    return online;
  }

  /** Whether a key is agreed with the peer: what it seals can be opened (and, unless a newer key is awaited, sends are sealed). */
  boolean keyAgreed() {
    return e2e.agreed();
  }

  /** Whether the two sides were found to disagree about E2E (a send that needs a key fails at once then). */
  boolean mismatched() {
    return keyWatch.mismatched();
  }

  /** Authenticated ({@code paired}: the peer is online). The outbox must already write to the new connection. */
  void connected(boolean paired, boolean resuming) {
    e2e.newConnection(resuming); // v1: fresh keys; reliable: kept for the client's life
    online = paired;
    if (online) {
      e2e.peerMayHaveChanged(); // it may have restarted while we were away: wait for its key before sealing more
      offerKey();
    }
  }

  void disconnected(boolean resuming) {
    online = false;
    if (resuming) e2e.peerAway(); // keep the session: what the relay stored is read (and sealed) with it
    else e2e.forgetPeer();
    keyWatch.reset();
    outbox.flush(); // resuming, what waited for the peer's key is sealed now, ahead of anything newer
  }

  void status(boolean nowOnline, boolean resuming) {
    online = nowOnline;
    if (!resuming) e2e.forgetPeer(); // v1: a peer that (re)appears has a new key; one that left has none
    else if (online) e2e.peerMayHaveChanged(); // perhaps a new process: wait for its key before sealing more
    else e2e.peerAway(); // seal to its last key; the relay stores what we send
    keyWatch.reset();
    listener.onPeerStatus(online);
    if (online) offerKey();
    outbox.flush(); // v1 or never keyed: what waits for a key fails PEER_OFFLINE when the peer left
  }

  /** A {@code key_exchange} from the peer ({@code pubkey} null when missing or not a string). */
  void peerKey(String pubkey) {
    if (!e2e.enabled()) {
      keyWatch.peerEncrypts();
      return;
    }
    boolean fresh;
    try {
      fresh = e2e.acceptPeerKey(pubkey); // the same key again confirms the session (reliable: kept across reconnects)
    } catch (IllegalArgumentException e) {
      listener.onRelayError(new RelayError("E2E_BAD_KEY", "the peer sent an unusable key: " + e.getMessage(), null, -1));
      return;
    }
    if (!e2e.agreed()) return;
    online = true;
    keyWatch.keyArrived();
    if (fresh) {
      offerKey(); // answer every new peer key, so a peer that reconnected gets ours too
      listener.onEncrypted();
    }
    outbox.flush();
  }

  private void offerKey() {
    String own = e2e.ownKey();
    if (own == null) return;
    outbox.sendKey(new JsonObject().put("pubkey", own));
    if (online && !e2e.canEncrypt()) keyWatch.expectKey();
  }

  private void disagree(String message) {
    if (e2e.agreed()) {
      // A peer we share a key with (reliable) did not send it again: it may have crossed its status
      // on the way, or not noticed we came back. Its last key is still the best one to seal to.
      e2e.peerAway();
      outbox.flush();
      return;
    }
    listener.onRelayError(new RelayError("E2E_MISMATCH", message, null, -1));
    outbox.failWaiting("E2E_MISMATCH", message); // what waits for a key would wait in vain
  }
}
