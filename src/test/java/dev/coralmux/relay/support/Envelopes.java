package dev.coralmux.relay.support;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Client envelopes for tests, shaped like the spec's examples. */
public final class Envelopes {
  private Envelopes() {}

  public static String auth(String token, String role) {
    return new JsonObject().put("v", 1).put("type", "auth").put("id", UUID.randomUUID().toString())
        .put("ts", System.currentTimeMillis())
        .put("payload", new JsonObject().put("token", token).put("role", role)).encode();
  }

  /** An auth asking for reliable delivery ({@code resume} and {@code acks}); {@code lastId} may be null. */
  public static String authResume(String token, String role, String lastId) {
    return authCaps(token, role, lastId, "resume", "acks");
  }

  /** An auth with these {@code caps} and {@code last_id} (may be null). */
  public static String authCaps(String token, String role, String lastId, String... caps) {
    JsonObject payload = new JsonObject().put("token", token).put("role", role)
        .put("caps", new io.vertx.core.json.JsonArray(java.util.List.of(caps))).put("last_id", lastId);
    return new JsonObject().put("v", 1).put("type", "auth").put("id", UUID.randomUUID().toString())
        .put("ts", System.currentTimeMillis()).put("payload", payload).encode();
  }

  public static String of(String type, JsonObject payload) {
    return new JsonObject().put("v", 1).put("type", type).put("id", UUID.randomUUID().toString())
        .put("ts", System.currentTimeMillis()).put("payload", payload).encode();
  }

  public static String chat(String text) {
    return of("chat.send", new JsonObject().put("text", text).put("agent_id", "main"));
  }

  public static String stream(String delta, int seq) {
    return of("chat.stream", new JsonObject().put("delta", delta).put("seq", seq));
  }

  /**
   * The same envelope with a new id (same length): ids are unique per message, and with the
   * history on a repeated id is a resend, delivered once.
   */
  public static String fresh(String envelope) {
    String id = new JsonObject(envelope).getString("id");
    return envelope.replace("\"id\":\"" + id + "\"", "\"id\":\"" + UUID.randomUUID() + "\"");
  }

  public static String ping() {
    return new JsonObject().put("type", "ping").put("payload", new JsonObject()).encode();
  }
}
