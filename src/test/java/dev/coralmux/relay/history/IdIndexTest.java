package dev.coralmux.relay.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The id index against a plain map, with hashes drawn from a small range so probe runs collide, wrap and shift. */
class IdIndexTest {

  @Test
  void agreesWithAMapThroughPutsRemovalsAndGrowth() {
    Random r = new Random(11);
    IdIndex index = new IdIndex();
    Map<Long, Integer> model = new HashMap<>(); // seq → hash
    List<Long> live = new ArrayList<>();
    long next = 1;
    for (int step = 0; step < 200_000; step++) {
      if (live.isEmpty() || r.nextInt(100) < 55) {
        int hash = r.nextInt(64) - 32; // few distinct hashes: long clusters, negative ones too
        index.put(hash, next);
        model.put(next, hash);
        live.add(next++);
      } else {
        long seq = live.remove(r.nextInt(live.size()));
        int hash = model.remove(seq);
        index.remove(hash, seq);
        assertEquals(0, index.find(hash, s -> s == seq), "removed " + seq + " is gone");
      }
      if (step % 1_000 == 0) everyLiveOneIsFound(index, model);
    }
    everyLiveOneIsFound(index, model);
  }

  @Test
  void findReturnsTheFirstCandidateTheCallerConfirms() {
    IdIndex index = new IdIndex();
    index.put(7, 1);
    index.put(7, 2);
    index.put(7, 3);
    assertEquals(2, index.find(7, s -> s >= 2));
    assertEquals(0, index.find(7, s -> s > 3));
    assertEquals(0, index.find(8, s -> true));
    index.remove(7, 1);
    assertEquals(2, index.find(7, s -> true));
    index.clear();
    assertEquals(0, index.size());
    assertEquals(0, index.find(7, s -> true));
  }

  private static void everyLiveOneIsFound(IdIndex index, Map<Long, Integer> model) {
    assertEquals(model.size(), index.size());
    model.forEach((seq, hash) -> assertEquals((long) seq, index.find(hash, s -> s == seq.longValue())));
  }
}
