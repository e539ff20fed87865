package dev.coralmux.relay.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * Validates a client frame as a CoralMux v1 envelope in one streaming pass, without building a
 * tree: the payload is skipped token by token, never materialised (except an auth payload's token
 * and role). The frame itself is what gets forwarded, so nothing is re-encoded.
 *
 * <p>Rules (PROTOCOL-DECISIONS.md): a JSON object; {@code v} = 1; {@code type} a non-empty
 * {@code namespace.action}-style name; {@code id} a string of at most 128 chars; {@code ts} an
 * integer; {@code payload} an object (absent counts as {}). Messages the relay consumes itself
 * ({@code auth}, {@code ping}, {@code pong}) may leave out {@code v}, {@code id} and {@code ts}, as
 * the spec's own examples do.
 */
public final class EnvelopeParser {
  public static final int MAX_ID_LENGTH = 128;
  public static final int MAX_TYPE_LENGTH = 64;

  /**
   * No duplicate detection of its own: Jackson's keeps a set per JSON object, payload objects
   * included, and was ~20% of what a cross-node message allocated (docs/BENCHMARKS.md). A repeated
   * field is refused where the relay reads it (the envelope's fields, an auth payload's credentials,
   * a chat.error's {@code source}): there a relay that read one copy and a client that read the other
   * would disagree. The payload is not the relay's to judge.
   */
  private static final JsonFactory JSON = new JsonFactory();
  /** For the rare reads of a payload's own fields ({@link #claimsRelaySource}): every repeat refused. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private EnvelopeParser() {}

  public static Envelope parse(byte[] frame) throws InvalidEnvelopeException {
    String type = null;
    String id = null;
    boolean hasV = false;
    boolean hasTs = false;
    String token = null;
    String role = null;
    int seen = 0; // one bit per envelope field read: a repeat is refused
    try (JsonParser p = JSON.createParser(frame)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidEnvelopeException("envelope must be a JSON object", null);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        int bit = fieldBit(field);
        if ((seen & bit) != 0) throw new InvalidEnvelopeException("duplicate field: " + field, id);
        seen |= bit;
        switch (field) {
          case "v" -> {
            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                || p.getIntValue() != 1) {
              throw new InvalidEnvelopeException("unsupported protocol version: v must be 1", id);
            }
            hasV = true;
          }
          case "type" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw new InvalidEnvelopeException("type must be a string", id);
            }
            type = p.getText();
            String problem = typeProblem(type);
            if (problem != null) throw new InvalidEnvelopeException(problem, id);
          }
          case "id" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw new InvalidEnvelopeException("id must be a string", null);
            }
            String candidate = p.getText();
            if (candidate.isEmpty() || candidate.length() > MAX_ID_LENGTH) {
              throw new InvalidEnvelopeException("id must be 1 to " + MAX_ID_LENGTH + " characters", null);
            }
            id = candidate;
          }
          case "ts" -> {
            if (value != JsonToken.VALUE_NUMBER_INT) {
              throw new InvalidEnvelopeException("ts must be an integer (Unix milliseconds)", id);
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              throw new InvalidEnvelopeException("ts is out of range", id);
            }
            hasTs = true;
          }
          case "payload" -> {
            if (value != JsonToken.START_OBJECT) {
              throw new InvalidEnvelopeException("payload must be an object", id);
            }
            // Only an auth payload is looked into; its position relative to "type" is not fixed,
            // so read the two credential fields whenever they are plain strings at the top level.
            String[] credentials = readCredentialsOrSkip(p);
            token = credentials[0];
            role = credentials[1];
          }
          default -> p.skipChildren(); // unknown envelope fields are allowed and forwarded as they are
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new InvalidEnvelopeException("envelope must be a JSON object", id);
      }
      if (trailingContent(p)) {
        throw new InvalidEnvelopeException("unexpected content after the envelope object", id);
      }
    } catch (JsonProcessingException e) {
      throw new InvalidEnvelopeException("malformed JSON: " + shortReason(e), id);
    } catch (IOException e) {
      throw new InvalidEnvelopeException("unreadable frame", id);
    }
    if (type == null) {
      throw new InvalidEnvelopeException("missing field: type", id);
    }
    boolean relayConsumed = type.equals(MessageTypes.AUTH) || type.equals(MessageTypes.PING)
        || type.equals(MessageTypes.PONG);
    if (!relayConsumed) {
      if (!hasV) throw new InvalidEnvelopeException("missing field: v", id);
      if (id == null) throw new InvalidEnvelopeException("missing field: id", null);
      if (!hasTs) throw new InvalidEnvelopeException("missing field: ts", id);
    }
    if (!MessageTypes.AUTH.equals(type)) {
      token = null;
      role = null;
    }
    return new Envelope(type, id, token, role);
  }

  private static boolean trailingContent(JsonParser p) {
    try {
      return p.nextToken() != null;
    } catch (IOException e) {
      return true;
    }
  }

  private static int fieldBit(String field) {
    return switch (field) {
      case "v" -> 1;
      case "type" -> 2;
      case "id" -> 4;
      case "ts" -> 8;
      case "payload" -> 16;
      default -> 0; // not read by the relay: forwarded as it is, repeated or not
    };
  }

  /** Reads {@code token} and {@code role} if present as strings (a repeat of either is refused); skips everything else. */
  private static String[] readCredentialsOrSkip(JsonParser p) throws IOException {
    String[] out = new String[2];
    boolean tokenSeen = false;
    boolean roleSeen = false;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      boolean token = "token".equals(name);
      boolean role = "role".equals(name);
      if ((token && tokenSeen) || (role && roleSeen)) throw new JsonParseException(p, "duplicate field: payload." + name);
      tokenSeen |= token;
      roleSeen |= role;
      if (value == JsonToken.VALUE_STRING && token) {
        out[0] = p.getText();
      } else if (value == JsonToken.VALUE_STRING && role) {
        out[1] = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  /**
   * Whether a message's payload says {@code "source": "relay"}: read once more, whole, with every
   * repeated field refused (a forged relay error must not hide behind a second {@code source}).
   *
   * @throws InvalidEnvelopeException for a field repeated inside the payload
   */
  public static boolean claimsRelaySource(byte[] frame) throws InvalidEnvelopeException {
    try (JsonParser p = STRICT.createParser(frame)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("payload") || value != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        boolean relay = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("source") && v == JsonToken.VALUE_STRING && "relay".equals(p.getText())) relay = true;
          else p.skipChildren();
        }
        if (relay) return true;
      }
      return false;
    } catch (JsonProcessingException e) { // it parsed before: a repeated field is all that can fail here
      throw new InvalidEnvelopeException("chat.error payload: " + shortReason(e), null);
    } catch (IOException e) {
      throw new InvalidEnvelopeException("unreadable frame", null);
    }
  }

  /** Null when {@code type} is acceptable, else what is wrong with it. */
  static String typeProblem(String type) {
    if (type.isEmpty()) return "type must not be empty";
    if (type.length() > MAX_TYPE_LENGTH) return "type must be at most " + MAX_TYPE_LENGTH + " characters";
    boolean segmentStart = true;
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c == '.') {
        if (segmentStart) return "type must be namespace.action (empty segment)";
        segmentStart = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        segmentStart = false;
      } else {
        return "type must be namespace.action made of letters, digits, '_' and '-'";
      }
    }
    if (segmentStart) return "type must be namespace.action (empty segment)";
    return null;
  }

  private static String shortReason(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) return "syntax error";
    int nl = m.indexOf('\n');
    if (nl >= 0) m = m.substring(0, nl);
    return m.length() > 120 ? m.substring(0, 120) : m;
  }
}
