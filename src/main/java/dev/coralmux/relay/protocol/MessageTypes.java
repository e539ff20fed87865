package dev.coralmux.relay.protocol;

import java.util.Set;

/**
 * What the relay knows about message types: which it handles itself and which way the others may
 * travel. Unknown types are forwarded both ways (forward compatibility); see PROTOCOL-DECISIONS.
 */
public final class MessageTypes {
  public static final String AUTH = "auth";
  public static final String AUTH_OK = "auth.ok";
  public static final String AUTH_FAIL = "auth.fail";
  public static final String PING = "ping";
  public static final String PONG = "pong";
  public static final String STATUS = "status";
  public static final String CHAT_ERROR = "chat.error";
  public static final String KEY_EXCHANGE = "key_exchange";
  /** Reliable delivery: the relay's receipt for a message (stored or delivered). */
  public static final String ACK = "ack";
  public static final String CHAT_STREAM = "chat.stream";
  public static final String CHAT_TOOL_STATUS = "chat.tool_status";

  private static final Set<String> PHONE_TO_AGENT = Set.of(
      "chat.send", "chat.history", "group.list", "group.messages", "group.send",
      "agent.list", "system.status", "memory.search");

  private static final Set<String> AGENT_TO_PHONE = Set.of(
      "chat.stream", "chat.done", "chat.tool_status", "group.message");

  private MessageTypes() {}

  /** Types only the relay may send or that the relay consumes itself; clients may not forward them. */
  public static boolean isRelayReserved(String type) {
    return type.equals(AUTH) || type.startsWith("auth.") || type.equals(STATUS) || type.startsWith("status.")
        || type.equals(ACK);
  }

  /** Null when {@code sender} may send {@code type} to its peer, else the rule it breaks. */
  public static String directionViolation(Role sender, String type) {
    if (sender == Role.PHONE && (AGENT_TO_PHONE.contains(type) || type.endsWith(".result"))) {
      return type + " travels agent->phone only; a phone may not send it";
    }
    if (sender == Role.AGENT && PHONE_TO_AGENT.contains(type)) {
      return type + " travels phone->agent only; an agent may not send it";
    }
    return null;
  }
}
