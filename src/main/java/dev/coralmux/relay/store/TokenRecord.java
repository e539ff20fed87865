package dev.coralmux.relay.store;

import dev.coralmux.relay.limits.LimitOverrides;
import io.vertx.core.json.JsonObject;

/**
 * A pairing token as stored: only its SHA-256 hash, never the token itself.
 *
 * @param expiresAt Unix millis, or 0 for never
 */
public record TokenRecord(String hash, String label, long createdAt, long expiresAt, LimitOverrides overrides) {

  /** The public handle of a token: a prefix of its hash, safe to show in lists and logs. */
  public String id() {
    return Tokens.idOf(hash);
  }

  public boolean expired(long nowMillis) {
    return expiresAt > 0 && nowMillis >= expiresAt;
  }

  public JsonObject toJson() {
    return new JsonObject().put("hash", hash).put("label", label).put("created_at", createdAt)
        .put("expires_at", expiresAt).put("limits", overrides.toJson());
  }

  public static TokenRecord fromJson(JsonObject o) {
    return new TokenRecord(o.getString("hash"), o.getString("label"), o.getLong("created_at", 0L),
        o.getLong("expires_at", 0L), LimitOverrides.fromJson(o.getJsonObject("limits")));
  }
}
