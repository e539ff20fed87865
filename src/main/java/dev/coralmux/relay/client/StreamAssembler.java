package dev.coralmux.relay.client;

import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Puts a streamed reply back in order: {@code chat.stream} chunks by {@code seq} (from 1), each
 * passed on as soon as every earlier one has arrived; {@code chat.done} completes it. Not thread
 * safe: feed it from one thread (the client's event loop does).
 */
public final class StreamAssembler {
  private final TreeMap<Integer, String> early = new TreeMap<>();
  private final StringBuilder text = new StringBuilder();
  private final Consumer<String> onDelta;
  private int next = 1;

  public StreamAssembler(Consumer<String> onDelta) {
    this.onDelta = onDelta;
  }

  /** A chunk; duplicates and chunks already passed on are ignored. */
  public void chunk(int seq, String delta) {
    if (seq < next || early.containsKey(seq)) return;
    early.put(seq, delta);
    while (!early.isEmpty() && early.firstKey() == next) {
      String d = early.pollFirstEntry().getValue();
      text.append(d);
      onDelta.accept(d);
      next++;
    }
  }

  /** The text passed on so far, in order. */
  public String text() {
    return text.toString();
  }

  /** Chunks held back because an earlier one is missing. */
  public int waiting() {
    return early.size();
  }

  /** Starts a new reply. */
  public void reset() {
    early.clear();
    text.setLength(0);
    next = 1;
  }
}
