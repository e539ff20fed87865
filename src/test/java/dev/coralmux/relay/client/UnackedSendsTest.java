package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is kept for resending: in send order, bounded in count and bytes, gone on its ack or refusal. */
class UnackedSendsTest {

  @Test
  void resendsInSendOrderWhatIsNotYetAcked() {
    UnackedSends u = new UnackedSends(10, 1_000);
    Promise<Void> a = Promise.promise();
    Promise<Void> b = Promise.promise();
    Promise<Void> c = Promise.promise();
    assertTrue(u.add("a", "{\"id\":\"a\"}", a));
    assertTrue(u.add("b", "{\"id\":\"b\"}", b));
    assertTrue(u.add("c", "{\"id\":\"c\"}", c));
    assertSame(b, u.remove("b").done(), "acked out of order");
    assertEquals(List.of("{\"id\":\"a\"}", "{\"id\":\"c\"}"), u.texts(), "the rest, oldest first, byte for byte");
    assertNull(u.remove("b"), "a second ack (delivered after stored) finds nothing");
    assertNull(u.remove("unknown"));
    assertNull(u.remove(null), "an ack without ref_id");
    assertEquals(2, u.size());
    assertFalse(a.future().isComplete(), "the caller completes the promise, not the container");
  }

  @Test
  void boundedByCountNothingOldDropped() {
    UnackedSends u = new UnackedSends(2, 1_000);
    assertTrue(u.add("1", "x", Promise.promise()));
    assertTrue(u.add("2", "y", Promise.promise()));
    assertFalse(u.add("3", "z", Promise.promise()), "full: the new one is refused");
    assertEquals(List.of("x", "y"), u.texts());
    u.remove("1");
    assertTrue(u.add("3", "z", Promise.promise()), "room again after an ack");
    assertEquals(List.of("y", "z"), u.texts());
  }

  @Test
  void boundedByUtf8Bytes() {
    UnackedSends u = new UnackedSends(100, 10);
    assertTrue(u.add("1", "안녕", Promise.promise())); // 6 bytes in UTF-8, 2 chars
    assertEquals(6, u.bytes());
    assertFalse(u.add("2", "abcde", Promise.promise()), "6 + 5 > 10");
    assertTrue(u.add("3", "abcd", Promise.promise()), "6 + 4 = 10 fits");
    assertEquals(10, u.bytes());
    u.remove("1");
    assertEquals(4, u.bytes(), "bytes are given back on removal");
    assertFalse(new UnackedSends(100, 3).add("big", "abcd", Promise.promise()), "one message larger than the bound");
  }

  @Test
  void theSameIdIsNotKeptTwice() {
    UnackedSends u = new UnackedSends(10, 1_000);
    assertTrue(u.add("a", "x", Promise.promise()));
    assertFalse(u.add("a", "x", Promise.promise()));
    assertEquals(1, u.size());
    assertEquals(1, u.bytes());
  }

  @Test
  void failAllFailsEveryPromiseWithTheCodeAndEmpties() {
    UnackedSends u = new UnackedSends(10, 1_000);
    Promise<Void> a = Promise.promise();
    Promise<Void> b = Promise.promise();
    u.add("a", "x", a);
    u.add("b", "y", b);
    u.failAll("CLOSED", "stopping");
    for (Promise<Void> p : List.of(a, b)) {
      assertTrue(p.future().failed());
      assertEquals("CLOSED", ((RelayException) p.future().cause()).code());
    }
    assertEquals(0, u.size());
    assertEquals(0, u.bytes());
    assertEquals(List.of(), u.texts());
  }
}
