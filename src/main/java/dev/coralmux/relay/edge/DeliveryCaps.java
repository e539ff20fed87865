package dev.coralmux.relay.edge;

import dev.coralmux.relay.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a client asked of reliable delivery in its {@code auth} (RELIABLE-DELIVERY.md): {@code resume}
 * (replay after {@code lastId}, store while the peer is offline) and {@code acks}. A v1 client asks
 * for neither and sees v1 behaviour.
 */
record DeliveryCaps(boolean resume, boolean acks, String lastId) {
  static final DeliveryCaps NONE = new DeliveryCaps(false, false, null);
  static final int MAX_LAST_ID = 128;

  /** Reads {@code caps} and {@code last_id} from an auth payload; unknown caps are ignored. */
  static DeliveryCaps of(JsonObject payload) {
    Object caps = payload.getValue("caps");
    Object last = payload.getValue("last_id");
    if (caps == null && last == null) return NONE;
    boolean resume = false;
    boolean acks = false;
    if (caps != null) {
      if (!(caps instanceof JsonArray list)) throw invalid("caps must be a list of strings");
      for (Object c : list) {
        if (!(c instanceof String name)) throw invalid("caps must be a list of strings");
        resume |= name.equals("resume");
        acks |= name.equals("acks");
      }
    }
    if (last != null && (!(last instanceof String id) || id.isEmpty() || id.length() > MAX_LAST_ID)) {
      throw invalid("last_id must be a message id: a string of 1 to " + MAX_LAST_ID + " characters, or null");
    }
    return new DeliveryCaps(resume, acks, resume ? (String) last : null);
  }

  private static AuthHandshake.Failure invalid(String message) {
    return new AuthHandshake.Failure(ErrorCode.INVALID_MESSAGE, message);
  }
}
