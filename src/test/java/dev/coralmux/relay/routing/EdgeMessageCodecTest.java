package dev.coralmux.relay.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.coralmux.relay.protocol.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The cross-node form of every edge message survives the wire unchanged. */
class EdgeMessageCodecTest {
  private final EdgeMessageCodec codec = new EdgeMessageCodec();
  private final ConnRef a = new ConnRef("coralmux.edge.node-1.0", 7, 3);
  private final ConnRef b = new ConnRef("coralmux.edge.node-2.1", 9, 4);

  private EdgeMessage roundTrip(EdgeMessage m) {
    Buffer buf = Buffer.buffer("prefix"); // the event bus writes its own header first
    codec.encodeToWire(buf, m);
    return codec.decodeFromWire(6, buf);
  }

  @Test
  void everyKindRoundTrips() {
    byte[] frame = "{\"type\":\"chat.send\",\"payload\":{\"text\":\"안녕\"}}".getBytes(StandardCharsets.UTF_8);
    EdgeMessage.Deliver d = (EdgeMessage.Deliver) roundTrip(new EdgeMessage.Deliver(a, b, "m-1", frame, 12345L));
    assertEquals(a, d.target());
    assertEquals(b, d.sender());
    assertEquals("m-1", d.messageId());
    assertArrayEquals(frame, d.frame());
    assertEquals(12345L, d.receivedAtNanos());
    assertEquals(new EdgeMessage.Bounce(a, null, ErrorCode.RATE_LIMITED, "slow", 1000, 2048),
        roundTrip(new EdgeMessage.Bounce(a, null, ErrorCode.RATE_LIMITED, "slow", 1000, 2048)));
    assertEquals(new EdgeMessage.PeerOnline(a, b), roundTrip(new EdgeMessage.PeerOnline(a, b)));
    assertEquals(new EdgeMessage.PeerOffline(b, a), roundTrip(new EdgeMessage.PeerOffline(b, a)));
    assertEquals(new EdgeMessage.Close(a, (short) 4409, "replaced"), roundTrip(new EdgeMessage.Close(a, (short) 4409, "replaced")));
    EdgeMessage.Deliver numbered = (EdgeMessage.Deliver) roundTrip(
        new EdgeMessage.Deliver(a, b, "m-3", frame, 1L, 42L, true, 7));
    assertEquals(7, numbered.confirmSeq());
    assertEquals(42, numbered.seq());
    assertArrayEquals(frame, numbered.frame());
    EdgeMessage.Receipts r = (EdgeMessage.Receipts) roundTrip(
        new EdgeMessage.Receipts(EdgeMessage.Receipts.verticle("coralmux.edge.n1.0"), "coralmux.edge.n2.0",
            new long[] {1, 2, 3, 4, 5, 0}));
    assertEquals(EdgeMessage.Receipts.verticle("coralmux.edge.n1.0"), r.target());
    assertEquals("coralmux.edge.n2.0", r.from());
    assertArrayEquals(new long[] {1, 2, 3, 4, 5, 0}, r.entries());
  }

  @Test
  void withinANodeMessagesPassByReference() throws Exception {
    // Through a real (local) event bus, as EdgeBus sends them: the consumer gets the very
    // instance sent, frame bytes included — nothing is copied or re-encoded on the same node.
    Vertx vertx = Vertx.vertx();
    try {
      EdgeBus.registerCodec(vertx);
      CompletableFuture<EdgeMessage> received = new CompletableFuture<>();
      vertx.eventBus().<EdgeMessage>consumer(a.address(), msg -> received.complete(msg.body()))
          .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      EdgeMessage.Deliver sent = new EdgeMessage.Deliver(a, b, "m-2", "{}".getBytes(StandardCharsets.UTF_8), 1L);
      new EdgeBus(vertx, null).send(sent);
      EdgeMessage got = received.get(10, TimeUnit.SECONDS);
      assertSame(sent, got);
      assertSame(sent.frame(), ((EdgeMessage.Deliver) got).frame());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
