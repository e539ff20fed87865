package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.routing.ConnRef;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two halves of confirming cross-node deliveries: what a sender waits on ({@link CrossNodeSends})
 * and what the receiving node says arrived or never did ({@link Arrivals}, {@link Receipts}). Every
 * message sent is accounted for exactly once: confirmed, bounced, or reported lost.
 */
class CrossNodeConfirmationTest {
  private static final ConnRef PHONE = new ConnRef("coralmux.edge.n2.0", 7, 3);
  private static final ConnRef NEWER_PHONE = new ConnRef("coralmux.edge.n2.1", 9, 4);
  private static final ConnRef AGENT = new ConnRef("coralmux.edge.n1.0", 5, 2);
  private final SendWindow window = new SendWindow(10_000);
  private final CrossNodeSends sends = new CrossNodeSends(window, 4, a -> !a.startsWith("coralmux.edge.n1."));
  private final List<String> lost = new ArrayList<>();
  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void onlyMessagesToAnotherNodeAreConfirmedAndNumbersStartAgainPerTarget() {
    assertTrue(sends.needsConfirmation(PHONE));
    assertEquals(false, sends.needsConfirmation(AGENT), "same node: the local event bus loses nothing");
    assertEquals(1, sends.add(PHONE, "a", 100, 0));
    assertEquals(2, sends.add(PHONE, "b", 100, 0));
    assertEquals(1, sends.add(NEWER_PHONE, "c", 100, 0), "a new peer connection counts from 1");
    sends.arrived(PHONE, 2);
    assertEquals(1, sends.size(), "the old target's two are confirmed, the new one's still waits");
    assertEquals(100, window.used());
  }

  @Test
  void gapsAreReportedWithTheirIdsAndWhatArrivedIsForgotten() {
    for (String id : List.of("a", "b", "c", "d")) sends.add(PHONE, id, 10, 0);
    sends.neverArrived(PHONE, 2, 3, s -> lost.add(s.messageId()));
    sends.arrived(PHONE, 4);
    assertEquals(List.of("b", "c"), lost);
    assertEquals(0, sends.size());
    assertEquals(0, window.used(), "every byte of the window is given back");
    sends.neverArrived(PHONE, 1, 4, s -> lost.add(s.messageId()));
    assertEquals(List.of("b", "c"), lost, "what was confirmed or reported is never reported again");
  }

  @Test
  void aBouncedMessageIsNotReportedAgainWhenItsConfirmationNeverComes() {
    sends.add(PHONE, "a", 10, 0);
    sends.add(PHONE, "b", 10, 0);
    sends.bounced("a");
    sends.expire(5_000, 5_000, s -> lost.add(s.messageId()));
    assertEquals(List.of("b"), lost);
  }

  @Test
  void unconfirmedPastTheTimeoutOrOnANodeThatLeftIsReported() {
    sends.add(PHONE, "a", 10, 0);
    sends.add(PHONE, "b", 10, 3_000);
    sends.expire(4_999, 5_000, s -> lost.add(s.messageId()));
    assertEquals(List.of(), lost);
    sends.expire(5_000, 5_000, s -> lost.add(s.messageId()));
    assertEquals(List.of("a"), lost);
    sends.nodeLeft("coralmux.edge.n3.", s -> lost.add(s.messageId()));
    assertEquals(List.of("a"), lost, "another node left: nothing of ours was there");
    sends.nodeLeft("coralmux.edge.n2.", s -> lost.add(s.messageId()));
    assertEquals(List.of("a", "b"), lost);
  }

  @Test
  void boundedPerConnectionByCountAndPerEventLoopByBytes() {
    for (int i = 0; i < 4; i++) assertTrue(sends.add(PHONE, "m" + i, 10, 0) > 0);
    assertEquals(0, sends.add(PHONE, "m4", 10, 0), "a fifth unconfirmed message is refused");
    CrossNodeSends other = new CrossNodeSends(window, 100, a -> true);
    assertEquals(0, other.add(PHONE, "big", 9_961, 0), "the event loop's bytes would be exceeded");
    assertTrue(other.add(PHONE, "fits", 9_960, 0) > 0);
    sends.close();
    other.close();
    assertEquals(0, window.used(), "a closed connection gives its bytes back");
  }

  @Test
  void keptMessagesAreNumberedAmongTheOthersButNeverRefusedNorChargedToTheWindow() {
    for (int i = 0; i < 4; i++) sends.add(PHONE, "v" + i, 10, 0);
    assertEquals(5, sends.addKept(PHONE, "k", 77, 0), "the history has it already: numbered, not refused");
    assertEquals(6, sends.addKept(PHONE, null, 77, 0), "a Sync, numbered the same way");
    assertEquals(40, window.used());
    List<Long> keptLost = new ArrayList<>();
    sends.neverArrived(PHONE, 4, 6, s -> keptLost.add(s.keptSeq()));
    assertEquals(List.of(0L, 77L, 77L), keptLost, "a lost kept message says where the history has it");
  }

  @Test
  void theReceivingNodeSaysWhatNeverArrivedBeforeWhatDidInOneBatchPerSendingVerticle() throws Exception {
    vertx = Vertx.vertx();
    CompletableFuture<EdgeMessage.Receipts> sent = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      Receipts receipts = new Receipts(vertx, PHONE.address(), m -> sent.complete((EdgeMessage.Receipts) m));
      Arrivals arrivals = Arrivals.of(null, PHONE, receipts);
      arrivals.arrived(deliver(AGENT, 1)).arrived(deliver(AGENT, 2)).arrived(deliver(AGENT, 5)).arrived(deliver(AGENT, 6));
      ConnRef replaced = new ConnRef(AGENT.address(), 4, 1);
      arrivals.arrived(deliver(replaced, 9)); // an older sender connection's straggler: not counted
    });
    EdgeMessage.Receipts r = sent.get(10, TimeUnit.SECONDS);
    assertEquals(EdgeMessage.Receipts.verticle(AGENT.address()), r.target());
    assertEquals(PHONE.address(), r.from());
    assertArrayEquals(new long[] {
        5, 2, 7, 3, 4, 3, // numbers 3..4 never arrived
        5, 2, 7, 3, 6, 0, // everything else up to 6 did
    }, r.entries());
  }

  private static EdgeMessage.Deliver deliver(ConnRef sender, long n) {
    return new EdgeMessage.Deliver(PHONE, sender, "m" + n, "{}".getBytes(StandardCharsets.UTF_8), 0, 0, false, n);
  }
}
