package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.routing.ConnRef;
import org.junit.jupiter.api.Test;

/** Notices about the peer may arrive out of order: the newest epoch wins. */
class PeerLinkTest {
  private final PeerLink link = new PeerLink();
  private final ConnRef e1 = new ConnRef("coralmux.edge.n1.0", 1, 1);
  private final ConnRef e2 = new ConnRef("coralmux.edge.n2.0", 2, 2);

  @Test
  void onlineOnceThenTakeoverIsQuiet() {
    assertEquals(PeerLink.Change.ONLINE, link.learn(e1));
    assertEquals(PeerLink.Change.REPLACED, link.learn(e2), "a takeover is not a new online transition");
    assertEquals(e2, link.current());
  }

  @Test
  void aLateNoticeAboutAnOlderConnectionChangesNothing() {
    link.learn(e2);
    assertEquals(PeerLink.Change.NONE, link.learn(e1));
    assertFalse(link.lose(e1), "the replaced connection's offline does not take the newer one down");
    assertEquals(e2, link.current());
    assertTrue(link.lose(e2));
    assertNull(link.current());
    assertEquals(PeerLink.Change.NONE, link.learn(e1), "an online notice older than the offline one is stale");
  }

  @Test
  void messagesFromAReplacedConnectionAreRecognised() {
    link.learn(e1);
    assertFalse(link.superseded(e1));
    link.learn(e2);
    assertTrue(link.superseded(e1), "e1 was replaced by e2");
    assertFalse(link.superseded(e2));
    assertFalse(link.superseded(new ConnRef("coralmux.edge.n3.0", 3, 3)), "a newer one not yet announced is heard");
  }

  @Test
  void theNodeLeavingTakesOnlyItsOwnConnections() {
    link.learn(e2);
    assertFalse(link.nodeLeft("coralmux.edge.n1."));
    assertTrue(link.nodeLeft("coralmux.edge.n2."));
    assertNull(link.current());
  }
}
