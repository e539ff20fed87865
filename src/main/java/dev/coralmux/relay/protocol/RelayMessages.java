package dev.coralmux.relay.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Envelopes the relay writes itself. Each carries v, a UUID v4 id and ts; errors carry
 * {@code "source": "relay"} so clients can tell them from their peer's.
 */
public final class RelayMessages {
  private RelayMessages() {}

  public static String envelope(String type, JsonObject payload) {
    return new JsonObject()
        .put("v", 1)
        .put("type", type)
        .put("id", EnvelopeIds.next())
        .put("ts", System.currentTimeMillis())
        .put("payload", payload)
        .encode();
  }

  public static String authOk(boolean paired, long dailyQuota, long dailyUsed, long monthlyQuota, long monthlyUsed) {
    return envelope(MessageTypes.AUTH_OK, new JsonObject()
        .put("paired", paired)
        .put("daily_quota_bytes", dailyQuota)
        .put("daily_used_bytes", dailyUsed)
        .put("monthly_quota_bytes", monthlyQuota)
        .put("monthly_used_bytes", monthlyUsed));
  }

  /** {@code auth.ok} for a client that asked for {@code resume}: what follows from the history. */
  public static String authOk(boolean paired, long dailyQuota, long dailyUsed, long monthlyQuota, long monthlyUsed,
                              int replayed, boolean complete) {
    return envelope(MessageTypes.AUTH_OK, new JsonObject()
        .put("paired", paired)
        .put("daily_quota_bytes", dailyQuota)
        .put("daily_used_bytes", dailyUsed)
        .put("monthly_quota_bytes", monthlyQuota)
        .put("monthly_used_bytes", monthlyUsed)
        .put("resume", new JsonObject().put("replayed", replayed).put("complete", complete)));
  }

  /** Reliable delivery's receipt for the client message {@code refId}. */
  public static String ack(String refId, boolean delivered) {
    return envelope(MessageTypes.ACK, new JsonObject().put("ref_id", refId).put("state", delivered ? "delivered" : "stored"));
  }

  public static String authFail(ErrorCode code, String message) {
    return envelope(MessageTypes.AUTH_FAIL, new JsonObject().put("code", code.name()).put("message", message));
  }

  public static String status(boolean peerOnline) {
    return envelope(MessageTypes.STATUS, new JsonObject().put("peer", peerOnline ? "online" : "offline"));
  }

  /** The peer reconnected and its new connection replaced the old one (an extra field v1 clients ignore). */
  public static String statusReplaced() {
    return envelope(MessageTypes.STATUS, new JsonObject().put("peer", "online").put("replaced", true));
  }

  public static String pong() {
    return envelope(MessageTypes.PONG, new JsonObject());
  }

  /**
   * A relay error about one client message.
   *
   * @param refId the id of the message it is about, when known
   * @param retryAfterMs how long to wait before trying again, or a negative number when waiting won't help
   */
  public static String error(ErrorCode code, String message, String refId, long retryAfterMs) {
    JsonObject payload = new JsonObject().put("code", code.name()).put("message", message).put("source", "relay");
    if (refId != null) payload.put("ref_id", refId);
    if (retryAfterMs >= 0) payload.put("retry_after_ms", retryAfterMs);
    return envelope(MessageTypes.CHAT_ERROR, payload);
  }
}
