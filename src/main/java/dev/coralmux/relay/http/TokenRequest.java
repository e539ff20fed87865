package dev.coralmux.relay.http;

import dev.coralmux.relay.limits.LimitKey;
import dev.coralmux.relay.limits.LimitOverrides;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** A validated {@code POST /api/v1/pair} body: optional label, lifetime and limit overrides. */
record TokenRequest(String label, long expiresInSeconds, LimitOverrides overrides) {
  private static final Set<String> FIELDS = Set.of("label", "expires_in_s", "limits");
  static final int MAX_LABEL = 200;

  /** Thrown with a message naming the offending field. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static TokenRequest parse(JsonObject body, long hardMaxMessageBytes) throws Invalid {
    if (body == null) return new TokenRequest("", 0, LimitOverrides.NONE);
    for (String f : body.fieldNames()) {
      if (!FIELDS.contains(f)) throw new Invalid("unknown field: " + f + " (allowed: " + FIELDS + ")");
    }
    Object label = body.getValue("label");
    if (label != null && !(label instanceof String)) throw new Invalid("label must be a string");
    String l = label == null ? "" : (String) label;
    if (l.length() > MAX_LABEL) throw new Invalid("label must be at most " + MAX_LABEL + " characters");
    long expiresIn = number(body, "expires_in_s", 1, 10L * 365 * 86_400, 0);
    Object limits = body.getValue("limits");
    LimitOverrides o = LimitOverrides.NONE;
    if (limits != null) {
      if (!(limits instanceof JsonObject lj)) throw new Invalid("limits must be an object");
      Map<LimitKey, Long> v = new EnumMap<>(LimitKey.class);
      for (String f : lj.fieldNames()) {
        LimitKey k = LimitKey.fromWire(f);
        if (k == null) throw new Invalid("unknown field: limits." + f + " (allowed: " + allowed() + ")");
        long max = k == LimitKey.MAX_MESSAGE_BYTES ? hardMaxMessageBytes : k.max;
        v.put(k, number(lj, f, k.min, max, 0));
      }
      o = new LimitOverrides(v);
    }
    return new TokenRequest(l, expiresIn, o);
  }

  private static List<String> allowed() {
    return Arrays.stream(LimitKey.values()).map(k -> k.wire).toList();
  }

  private static long number(JsonObject o, String key, long min, long max, long def) throws Invalid {
    Object v = o.getValue(key);
    if (v == null) return def;
    if (!(v instanceof Integer || v instanceof Long)) throw new Invalid(key + " must be an integer");
    long n = ((Number) v).longValue();
    if (n < min || n > max) throw new Invalid(key + " must be between " + min + " and " + max);
    return n;
  }
}
