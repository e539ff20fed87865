package dev.coralmux.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MessageTypesTest {
  @Test
  void directionTable() {
    for (String t : new String[] {"chat.send", "chat.history", "group.list", "group.messages", "group.send",
        "agent.list", "system.status", "memory.search"}) {
      assertNull(MessageTypes.directionViolation(Role.PHONE, t), t);
      assertNotNull(MessageTypes.directionViolation(Role.AGENT, t), t);
    }
    for (String t : new String[] {"chat.stream", "chat.done", "chat.tool_status", "group.message",
        "chat.history.result", "x.y.result"}) {
      assertNull(MessageTypes.directionViolation(Role.AGENT, t), t);
      assertNotNull(MessageTypes.directionViolation(Role.PHONE, t), t);
    }
    for (String t : new String[] {"chat.error", "key_exchange", "file.chunk", "brand.new"}) {
      assertNull(MessageTypes.directionViolation(Role.AGENT, t), t);
      assertNull(MessageTypes.directionViolation(Role.PHONE, t), t);
    }
  }

  @Test
  void reservedTypes() {
    assertTrue(MessageTypes.isRelayReserved("auth"));
    assertTrue(MessageTypes.isRelayReserved("auth.ok"));
    assertTrue(MessageTypes.isRelayReserved("status"));
    assertFalse(MessageTypes.isRelayReserved("authority.check"));
    assertFalse(MessageTypes.isRelayReserved("system.status"));
  }
}
