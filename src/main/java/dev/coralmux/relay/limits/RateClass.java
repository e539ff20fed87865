package dev.coralmux.relay.limits;

import dev.coralmux.relay.protocol.MessageTypes;
import dev.coralmux.relay.protocol.Role;

/**
 * The rate-limit bucket a client message takes from. An agent streaming a reply token by token
 * sends hundreds of {@code chat.stream}/{@code chat.tool_status} a minute; those have their own,
 * much larger bucket, so a long reply is never cut by the limit meant for chat messages.
 */
public enum RateClass {
  PHONE("phone"),
  AGENT("agent"),
  AGENT_STREAM("agent_stream");

  public final String wire;

  RateClass(String wire) {
    this.wire = wire;
  }

  public static RateClass of(Role role, String type) {
    if (role == Role.PHONE) return PHONE;
    return MessageTypes.CHAT_STREAM.equals(type) || MessageTypes.CHAT_TOOL_STATUS.equals(type) ? AGENT_STREAM : AGENT;
  }

  /** The class of a frame that is not forwarded (invalid, refused): the role's message bucket. */
  public static RateClass messages(Role role) {
    return role == Role.PHONE ? PHONE : AGENT;
  }
}
