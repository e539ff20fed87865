package dev.coralmux.relay.edge;

import dev.coralmux.relay.routing.ConnRef;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The messages one connection sent to a peer on another node that the peer's node has not
 * confirmed yet (ids and sizes, never the frames). The clustered event bus does not tell a sender
 * of a message it loses — one in a connection that a partition cut, one sent while a node merges
 * back and has no consumer registered yet, one to a node that died — so the receiving node numbers
 * what arrives ({@link Arrivals}) and says what arrived and what never did; anything it does not
 * confirm in time counts as lost too. A lost v1 message is reported to its sender; a lost kept one
 * (or {@link EdgeMessage.Sync}) only means the reader must be told again how far the history goes,
 * or it would not know to read it. v1 messages are bounded per connection by count and per event
 * loop by bytes; kept ones are not refused here (the history has them already), so they are bounded
 * by the sender's rate limit times the confirmation timeout.
 */
final class CrossNodeSends {
  /**
   * One unconfirmed message: its number for {@code to}, and what its sender must hear if it is lost.
   *
   * @param keptSeq its place in the history (or the place a Sync told), 0 for a v1 message
   */
  record Sent(ConnRef to, long n, String messageId, int bytes, long at, long keptSeq) {}

  private final SendWindow window;
  private final int maxMessages;
  private final Predicate<String> remote;
  private ArrayDeque<Sent> sent; // oldest first; made on the first cross-node send
  private ConnRef numbering; // the target the numbers count for
  private long last;

  /** @param remote whether an edge address is on another node */
  CrossNodeSends(SendWindow window, int maxMessages, Predicate<String> remote) {
    this.window = window;
    this.maxMessages = maxMessages;
    this.remote = remote;
  }

  /** Whether a message to this connection travels between nodes and must be confirmed. */
  boolean needsConfirmation(ConnRef to) {
    return remote.test(to.address());
  }

  /** @return the v1 message's number for {@code to}, or 0 when too much is on its way already (refuse it) */
  long add(ConnRef to, String messageId, int bytes, long now) {
    if (size() >= maxMessages || !window.tryTake(bytes)) return 0;
    return number(new Sent(to, next(to), messageId, bytes, now, 0));
  }

  /** @return the number of a kept message (or a Sync: {@code messageId} null) for {@code to}; never refused */
  long addKept(ConnRef to, String messageId, long keptSeq, long now) {
    return number(new Sent(to, next(to), messageId, 0, now, keptSeq));
  }

  private long next(ConnRef to) {
    if (!to.equals(numbering)) {
      numbering = to;
      last = 0;
    }
    return ++last;
  }

  private long number(Sent s) {
    if (sent == null) sent = new ArrayDeque<>(4);
    sent.addLast(s);
    return s.n();
  }

  /** {@code to}'s node has everything this connection sent it up to {@code upTo}, except what it said was lost. */
  void arrived(ConnRef to, long upTo) {
    if (sent == null) return;
    for (Iterator<Sent> it = sent.iterator(); it.hasNext(); ) {
      Sent s = it.next();
      if (!s.to().equals(to)) continue;
      if (s.n() > upTo) break; // numbers grow per target
      release(it, s);
    }
  }

  /** {@code to}'s node never got numbers {@code from}..{@code upTo}: each still waiting is reported. */
  void neverArrived(ConnRef to, long from, long upTo, Consumer<Sent> lost) {
    if (sent == null) return;
    for (Iterator<Sent> it = sent.iterator(); it.hasNext(); ) {
      Sent s = it.next();
      if (!s.to().equals(to) || s.n() < from) continue;
      if (s.n() > upTo) break;
      release(it, s);
      lost.accept(s);
    }
  }

  /** The receiving side sent this message back itself (peer gone, slow...): it was reported there. */
  void bounced(String messageId) {
    if (sent == null) return;
    for (Iterator<Sent> it = sent.iterator(); it.hasNext(); ) {
      Sent s = it.next();
      if (s.messageId() != null && s.messageId().equals(messageId)) {
        release(it, s);
        return;
      }
    }
  }

  /** Reports what waited longer than {@code timeoutMs} for its confirmation. */
  void expire(long now, long timeoutMs, Consumer<Sent> lost) {
    while (sent != null && !sent.isEmpty() && now - sent.peekFirst().at() >= timeoutMs) {
      Sent s = sent.pollFirst();
      window.give(s.bytes());
      lost.accept(s);
    }
  }

  /** The node whose edge addresses start with {@code addressPrefix} left the cluster: what went there is reported. */
  void nodeLeft(String addressPrefix, Consumer<Sent> lost) {
    if (sent == null) return;
    for (Iterator<Sent> it = sent.iterator(); it.hasNext(); ) {
      Sent s = it.next();
      if (!s.to().address().startsWith(addressPrefix)) continue;
      release(it, s);
      lost.accept(s);
    }
  }

  /** The sending connection closed: nobody is left to tell, and the window gets its bytes back. */
  void close() {
    if (sent == null) return;
    for (Sent s : sent) window.give(s.bytes());
    sent.clear();
  }

  int size() {
    return sent == null ? 0 : sent.size();
  }

  private void release(Iterator<Sent> it, Sent s) {
    it.remove();
    window.give(s.bytes());
  }
}
