package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.limits.Decision;
import dev.coralmux.relay.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decisions are applied in arrival order however their checks complete (a fake limiter completes
 * them out of order); the socket is paused at either bound; a close abandons what waits, counted.
 */
class DecisionQueueTest {
  private final List<String> applied = new ArrayList<>();
  private final List<String> abandoned = new ArrayList<>();
  private int pauses;
  private int resumes;
  private int failures;

  private DecisionQueue queue(int maxCount, long maxBytes, boolean allowOnFailure) {
    return new DecisionQueue(maxCount, maxBytes, e -> {
      failures++;
      return allowOnFailure ? Decision.ALLOW : Decision.refuse(ErrorCode.SERVICE_UNAVAILABLE, 1000);
    }, () -> pauses++, () -> resumes++);
  }

  private void add(DecisionQueue q, Future<Decision> d, long bytes, String name) {
    q.add(d, bytes, decision -> applied.add(name + (decision.allowed() ? "" : ":" + decision.refusal())),
        () -> abandoned.add(name));
  }

  @Test
  void decisionsCompletingOutOfOrderApplyInArrivalOrder() {
    DecisionQueue q = queue(64, 1 << 20, true);
    Promise<Decision> first = Promise.promise();
    Promise<Decision> second = Promise.promise();
    Promise<Decision> third = Promise.promise();
    add(q, first.future(), 10, "m1");
    add(q, second.future(), 10, "m2");
    add(q, third.future(), 10, "m3");
    third.complete(Decision.ALLOW);
    second.complete(Decision.refuse(ErrorCode.RATE_LIMITED, 500));
    assertEquals(List.of(), applied, "nothing runs before the first decision");
    first.complete(Decision.ALLOW);
    assertEquals(List.of("m1", "m2:RATE_LIMITED", "m3"), applied);
    assertEquals(0, q.size());
    assertEquals(0, q.bytes());
  }

  @Test
  void aKnownDecisionRunsAtOnceOnlyWhenNothingWaits() {
    DecisionQueue q = queue(64, 1 << 20, true);
    add(q, Future.succeededFuture(Decision.ALLOW), 10, "a");
    assertEquals(List.of("a"), applied);
    Promise<Decision> slow = Promise.promise();
    add(q, slow.future(), 10, "b");
    add(q, Future.succeededFuture(Decision.ALLOW), 10, "c");
    assertEquals(List.of("a"), applied, "c waits behind b");
    slow.complete(Decision.ALLOW);
    assertEquals(List.of("a", "b", "c"), applied);
  }

  @Test
  void theSocketPausesAtTheCountBoundAndResumesWhenDrained() {
    DecisionQueue q = queue(2, 1 << 20, true);
    Promise<Decision> p1 = Promise.promise();
    add(q, p1.future(), 1, "1");
    assertEquals(0, pauses);
    add(q, Promise.<Decision>promise().future(), 1, "2");
    assertEquals(1, pauses);
    p1.complete(Decision.ALLOW);
    assertEquals(1, resumes, "one decision left: below the bound again");
  }

  @Test
  void theSocketPausesAtTheByteBound() {
    DecisionQueue q = queue(64, 100, true);
    Promise<Decision> big = Promise.promise();
    add(q, big.future(), 60, "1");
    assertEquals(0, pauses);
    add(q, Promise.<Decision>promise().future(), 60, "2");
    assertEquals(1, pauses);
    assertEquals(120, q.bytes());
    big.complete(Decision.ALLOW);
    assertEquals(1, resumes);
  }

  @Test
  void aFailedCheckDecidesByPolicyAndIsCounted() {
    DecisionQueue allow = queue(64, 1 << 20, true);
    add(allow, Future.failedFuture("redis down"), 1, "x");
    DecisionQueue refuse = queue(64, 1 << 20, false);
    add(refuse, Future.failedFuture("redis down"), 1, "y");
    assertEquals(List.of("x", "y:SERVICE_UNAVAILABLE"), applied);
    assertEquals(2, failures);
  }

  @Test
  void closingAbandonsEveryWaitingDecisionAndLaterOnesToo() {
    DecisionQueue q = queue(64, 1 << 20, true);
    Promise<Decision> p = Promise.promise();
    add(q, p.future(), 5, "w1");
    add(q, Future.succeededFuture(Decision.ALLOW), 5, "w2");
    q.close();
    assertEquals(List.of("w1", "w2"), abandoned);
    p.complete(Decision.ALLOW);
    add(q, Future.succeededFuture(Decision.ALLOW), 5, "late");
    assertEquals(List.of(), applied, "nothing applies after close");
    assertEquals(List.of("w1", "w2", "late"), abandoned);
    assertFalse(q.size() > 0);
    assertTrue(q.bytes() == 0);
  }
}
