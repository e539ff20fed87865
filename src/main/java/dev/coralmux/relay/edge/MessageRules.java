package dev.coralmux.relay.edge;

import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.protocol.Envelope;
import dev.coralmux.relay.protocol.EnvelopeParser;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.protocol.InvalidEnvelopeException;
import dev.coralmux.relay.protocol.MessageTypes;
import dev.coralmux.relay.protocol.Role;

/**
 * The envelope rules for an authenticated client's message, decided before any limit check: size,
 * text, a valid envelope (parsed once, payload never read), relay-reserved types, direction.
 */
final class MessageRules {
  private MessageRules() {}

  /** What to do with a client message. */
  sealed interface Verdict {}

  /** Forward these exact bytes to the peer (after the limit check). */
  record Forward(String id, String type, byte[] frame) implements Verdict {}

  /** An app-level ping: the relay answers it. */
  record Ping() implements Verdict {}

  /** An app-level pong: accepted silently. */
  record Pong() implements Verdict {}

  /** Refused; counted under {@code reason}, the sender gets {@code code} (still rate-counted). */
  record Refuse(String refId, DropReason reason, ErrorCode code, String message) implements Verdict {}

  static Verdict check(Role role, FrameAssembler.Message m, long maxBytes) {
    if (m.oversize()) {
      return new Refuse(null, DropReason.MESSAGE_TOO_LARGE, ErrorCode.MESSAGE_TOO_LARGE,
          "message is " + m.size() + " bytes; the limit is " + maxBytes);
    }
    if (m.binary()) {
      return new Refuse(null, DropReason.BINARY_FRAME, ErrorCode.INVALID_MESSAGE,
          "binary frames are not supported: send JSON envelopes as text");
    }
    byte[] frame = m.data().getBytes();
    Envelope env;
    try {
      env = EnvelopeParser.parse(frame);
    } catch (InvalidEnvelopeException e) {
      return new Refuse(e.messageId(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE, e.getMessage());
    }
    String type = env.type();
    if (type.equals(MessageTypes.PING)) return new Ping();
    if (type.equals(MessageTypes.PONG)) return new Pong();
    if (MessageTypes.isRelayReserved(type)) {
      return new Refuse(env.id(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE,
          type + " is reserved for the relay and cannot be sent by clients");
    }
    if (type.equals(MessageTypes.CHAT_ERROR)) { // only this rare type has its payload read: clients trust source: relay
      try {
        if (EnvelopeParser.claimsRelaySource(frame)) {
          return new Refuse(env.id(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE,
              "chat.error with \"source\": \"relay\" is reserved for the relay's own errors");
        }
      } catch (InvalidEnvelopeException e) {
        return new Refuse(env.id(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE, e.getMessage());
      }
    }
    String rule = MessageTypes.directionViolation(role, type);
    if (rule != null) return new Refuse(env.id(), DropReason.INVALID_MESSAGE, ErrorCode.INVALID_MESSAGE, rule);
    return new Forward(env.id(), type, frame);
  }
}
