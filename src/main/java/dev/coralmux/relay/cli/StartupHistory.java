package dev.coralmux.relay.cli;

import dev.coralmux.relay.client.RelayError;
import io.vertx.core.json.JsonObject;
import java.util.function.IntConsumer;

/**
 * The relay's replay after a command's first {@code auth.ok}. With reliable delivery a client that
 * has received nothing yet is sent everything the relay holds from its peer: for a command just
 * started, that is its earlier runs' conversation (sealed, with E2E, to keys it never had). It is
 * history, not something to print or answer now, so the commands skip it; replays after a reconnect
 * are what was missed and are acted on. Used on the client's context only.
 */
final class StartupHistory {
  private final IntConsumer skippedAll;
  private boolean connectedBefore;
  private int left;
  private int skipped;

  /** @param skippedAll told how many messages were skipped, once the last is */
  StartupHistory(IntConsumer skippedAll) {
    this.skippedAll = skippedAll;
  }

  /** @return whether this was a reconnect (not the command's first connection) */
  boolean connected(JsonObject authOk) {
    boolean again = connectedBefore;
    connectedBefore = true;
    if (!again && authOk.getValue("resume") instanceof JsonObject r && r.getValue("replayed") instanceof Number n) {
      left = n.intValue();
    }
    return again;
  }

  /** A peer message arrived: true when it belongs to the startup replay (skip it). */
  boolean skip() {
    if (left <= 0) return false;
    skipped++;
    if (--left == 0) skippedAll.accept(skipped);
    return true;
  }

  /** A peer message was refused by the client (E2E_*, with its id): true when it belongs to the startup replay. */
  boolean skip(RelayError e) {
    return e.refId() != null && e.code() != null && e.code().startsWith("E2E_") && skip();
  }
}
