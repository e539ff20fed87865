package dev.coralmux.relay.client;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends waiting for a connection or an agreed key, bounded in number and in time: a send that
 * cannot go out fails rather than waits forever, and never goes out in plaintext.
 */
final class WaitingSends {
  /** A message the app asked to send, and when it stops waiting. */
  record Outgoing(String type, JsonObject payload, Promise<Void> sent, long deadline) {}

  private final int max;
  private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();

  WaitingSends(int max) {
    this.max = max;
  }

  /** @return false when full (the caller fails the send) */
  boolean offer(Outgoing out) {
    if (waiting.size() >= max) return false;
    waiting.add(out);
    return true;
  }

  /** Fails what waited past its deadline. */
  void expire(long now) {
    while (!waiting.isEmpty() && waiting.peek().deadline() <= now) {
      waiting.poll().sent().fail(new RelayException("NOT_READY", "not connected, or no key agreed with the peer, in time"));
    }
  }

  /** Everything waiting, in order, taken out (to be tried again). */
  List<Outgoing> takeAll() {
    List<Outgoing> all = new ArrayList<>(waiting);
    waiting.clear();
    return all;
  }

  void failAll(String code, String message) {
    while (!waiting.isEmpty()) waiting.poll().sent().fail(new RelayException(code, message));
  }
}
