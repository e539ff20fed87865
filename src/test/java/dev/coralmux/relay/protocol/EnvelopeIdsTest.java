package dev.coralmux.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvelopeIdsTest {

  @Test
  void idsAreUuidV4AndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = EnvelopeIds.next();
      UUID u = UUID.fromString(id);
      assertEquals(4, u.version(), id);
      assertEquals(2, u.variant(), id);
      assertEquals(36, id.length());
      seen.add(id);
    }
    assertEquals(100_000, seen.size());
  }
}
