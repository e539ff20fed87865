package dev.coralmux.relay.client;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Notices when one side encrypts and the other does not: this side offered its key to an online
 * peer and none came back in time, or a peer offered a key to a side with E2E off. Without it
 * each side would wait in silence. Told once per peer connection. Confined to the client's context.
 */
final class KeyExchangeWatch {
  private final Vertx vertx;
  private final long timeoutMs;
  private final Consumer<String> mismatch;
  private long timer = -1;
  private boolean told;

  /** @param mismatch told, in words for the user, when the two sides disagree about E2E */
  KeyExchangeWatch(Vertx vertx, long timeoutMs, Consumer<String> mismatch) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.mismatch = mismatch;
  }

  /** Our key went to an online peer: its key should follow. */
  void expectKey() {
    if (timer >= 0 || told) return;
    timer = vertx.setTimer(timeoutMs, t -> {
      timer = -1;
      tell("the peer does not encrypt end to end (no key within " + timeoutMs / 1000 + " s): "
          + "turn encryption on there, or off here (--no-e2e)");
    });
  }

  /** The peer offered a key but this side has E2E off. */
  void peerEncrypts() {
    tell("the peer encrypts end to end and this side does not: turn encryption on here (drop --no-e2e), or off there");
  }

  /** Whether the two sides were found to disagree (sends that need a key fail at once then). */
  boolean mismatched() {
    return told;
  }

  /** The key came: nothing to wait for. */
  void keyArrived() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  /** The peer came, went or the connection closed: a new peer connection starts afresh. */
  void reset() {
    keyArrived();
    told = false;
  }

  private void tell(String message) {
    if (told) return;
    told = true;
    mismatch.accept(message);
  }
}
