package dev.coralmux.relay.client;

import dev.coralmux.relay.protocol.MessageTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What reliable delivery carries from one connection to the next: the id of the last peer message
 * received (sent back as {@code last_id}, so the relay replays only what came after it), and
 * whether the relay of the current connection resumes. Only peer messages move {@code last_id}:
 * never relay-made ones nor {@code key_exchange}, which the relay does not keep in its history (an
 * id it does not hold would read as a gap and replay everything). Confined to the client's context.
 */
final class ResumeState {
  /** What {@code auth.ok} said about the resumed connection: how many messages follow, and whether any are missing. */
  record Resumed(int replayed, boolean complete) {}

  private final boolean requested;
  private String lastId;
  private boolean active;

  /** @param requested whether to ask for {@code resume} and {@code acks} at all (else v1 exactly) */
  ResumeState(boolean requested) {
    this.requested = requested;
  }

  /** Adds {@code caps} and {@code last_id} to an {@code auth} payload (nothing when not requested; no {@code last_id} before any message). */
  JsonObject addTo(JsonObject auth) {
    if (!requested) return auth;
    auth.put("caps", new JsonArray().add("resume").add("acks"));
    if (lastId != null) auth.put("last_id", lastId);
    return auth;
  }

  /** A message from the peer was received (delivered to the app, or refused on purpose: a replay must not bring it back). */
  void received(String type, String id) {
    // An "ack" that gets here came from the peer through a relay that does not resume (v1 forwards it).
    boolean relayMade = MessageTypes.isRelayReserved(type) && !type.equals(MessageTypes.ACK);
    if (id == null || type.equals(MessageTypes.KEY_EXCHANGE) || relayMade) return;
    lastId = id;
  }

  String lastId() {
    return lastId;
  }

  /**
   * Reads a new connection's {@code auth.ok}: null when this relay does not resume (no
   * {@code resume} field: an older relay, so the connection works as v1), else what it replays.
   * A {@code complete} that is missing or not {@code true} counts as false: resync rather than trust a gap away.
   */
  Resumed accept(JsonObject authOk) {
    Object r = requested ? authOk.getValue("resume") : null;
    active = r instanceof JsonObject;
    if (!active) return null;
    JsonObject resume = (JsonObject) r;
    int replayed = resume.getValue("replayed") instanceof Number n ? n.intValue() : 0;
    return new Resumed(replayed, Boolean.TRUE.equals(resume.getValue("complete")));
  }

  /** Whether the current (or, while disconnected, the last) connection resumes: sends are kept until acked. */
  boolean active() {
    return active;
  }
}
