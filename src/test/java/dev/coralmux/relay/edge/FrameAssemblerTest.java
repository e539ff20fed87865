package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.Test;

/** Fragments become whole messages; memory held never exceeds the limit; the hard cap ends it. */
class FrameAssemblerTest {
  private final FrameAssembler assembler = new FrameAssembler(100);

  private static WebSocketFrame text(String s, boolean fin) {
    return WebSocketFrame.textFrame(s, fin);
  }

  private static WebSocketFrame more(String s, boolean fin) {
    return WebSocketFrame.continuationFrame(Buffer.buffer(s), fin);
  }

  @Test
  void aSingleFrameIsAMessage() {
    FrameAssembler.Message m = assembler.accept(text("{\"a\":1}", true), 50);
    assertEquals("{\"a\":1}", m.data().toString());
    assertEquals(7, m.size());
    assertFalse(m.binary() || m.oversize());
  }

  @Test
  void fragmentsAreJoinedInOrder() {
    assertNull(assembler.accept(text("ab", false), 50));
    assertNull(assembler.accept(more("cd", false), 50));
    FrameAssembler.Message m = assembler.accept(more("ef", true), 50);
    assertEquals("abcdef", m.data().toString());
    assertEquals(6, m.size());
    assertEquals(0, assembler.heldBytes());
  }

  @Test
  void pastTheLimitFragmentsAreCountedNotKept() {
    assembler.accept(text("x".repeat(30), false), 50);
    assembler.accept(more("x".repeat(30), false), 50);
    assertEquals(0, assembler.heldBytes(), "nothing is kept once the message cannot be forwarded");
    FrameAssembler.Message m = assembler.accept(more("x".repeat(10), true), 50);
    assertTrue(m.oversize());
    assertEquals(70, m.size());
  }

  @Test
  void pastTheHardCapTheConnectionMustGo() {
    assembler.accept(text("x".repeat(60), false), 50);
    assertSame(FrameAssembler.TOO_BIG, assembler.accept(more("x".repeat(60), false), 50));
    assertNull(assembler.accept(more("x", true), 50), "the rest of the dropped message is ignored");
  }

  @Test
  void aSingleOversizeFrameIsFlagged() {
    assertTrue(assembler.accept(text("x".repeat(60), true), 50).oversize());
  }

  @Test
  void controlFramesCarryNoMessage() {
    assertNull(assembler.accept(WebSocketFrame.pingFrame(Buffer.buffer("p")), 50));
    assertTrue(assembler.accept(WebSocketFrame.binaryFrame(Buffer.buffer("b"), true), 50).binary());
  }
}
