package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAssemblerTest {
  @Test
  void reordersBySeqAndIgnoresDuplicates() {
    List<String> out = new ArrayList<>();
    StreamAssembler s = new StreamAssembler(out::add);
    s.chunk(2, "lo ");
    s.chunk(3, "wor");
    assertEquals(List.of(), out, "nothing before seq 1");
    assertEquals(2, s.waiting());
    s.chunk(1, "Hel");
    s.chunk(2, "lo ");
    s.chunk(4, "ld");
    assertEquals(List.of("Hel", "lo ", "wor", "ld"), out);
    assertEquals("Hello world", s.text());
    s.reset();
    s.chunk(1, "again");
    assertEquals("again", s.text());
  }
}
