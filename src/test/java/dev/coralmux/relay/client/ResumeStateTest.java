package dev.coralmux.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** last_id tracking and what auth / auth.ok carry for reliable delivery. */
class ResumeStateTest {

  private static JsonObject auth(ResumeState r) {
    return r.addTo(new JsonObject().put("token", "t").put("role", "phone"));
  }

  @Test
  void asksForResumeAndAcksWithoutLastIdBeforeAnyMessage() {
    JsonObject first = auth(new ResumeState(true));
    assertEquals(new JsonArray().add("resume").add("acks"), first.getJsonArray("caps"));
    assertFalse(first.containsKey("last_id"), "nothing received yet: no last_id");
  }

  @Test
  void offAsksForNothing() {
    ResumeState off = new ResumeState(false);
    off.received("chat.done", "p1");
    assertEquals(new JsonObject().put("token", "t").put("role", "phone"), auth(off), "v1 exactly");
    assertNull(off.accept(new JsonObject().put("resume", new JsonObject().put("replayed", 1).put("complete", true))),
        "a resume field it did not ask for is ignored");
    assertFalse(off.active());
  }

  @Test
  void lastIdIsTheLastPeerMessageOnly() {
    ResumeState r = new ResumeState(true);
    r.received("chat.stream", "p1");
    r.received("chat.done", "p2");
    r.received("key_exchange", "k1"); // never in the relay's history
    r.received("auth.ok", "r1");
    r.received("status", "r2");
    r.received("chat.done", null);
    assertEquals("p2", r.lastId());
    assertEquals("p2", auth(r).getString("last_id"));
    r.received("some.future.type", "p3"); // unknown types are the peer's too
    assertEquals("p3", auth(r).getString("last_id"));
  }

  @Test
  void aRelayWithoutResumeMeansV1() {
    ResumeState r = new ResumeState(true);
    assertNull(r.accept(new JsonObject().put("paired", true)));
    assertFalse(r.active());
    assertNull(r.accept(new JsonObject().put("resume", "yes")), "not an object: not understood, so v1");
    assertFalse(r.active());
  }

  @Test
  void readsReplayedAndComplete() {
    ResumeState r = new ResumeState(true);
    ResumeState.Resumed ok = r.accept(new JsonObject().put("resume", new JsonObject().put("replayed", 3).put("complete", true)));
    assertEquals(new ResumeState.Resumed(3, true), ok);
    assertTrue(r.active());
    assertEquals(new ResumeState.Resumed(0, false),
        r.accept(new JsonObject().put("resume", new JsonObject().put("replayed", 0).put("complete", false))));
    assertEquals(new ResumeState.Resumed(0, false), r.accept(new JsonObject().put("resume", new JsonObject())),
        "a missing complete is not taken as complete");
    assertNull(r.accept(new JsonObject()), "the next relay may not resume");
    assertFalse(r.active());
  }
}
