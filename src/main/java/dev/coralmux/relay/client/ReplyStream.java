package dev.coralmux.relay.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One streamed reply from an agent. Models emit hundreds of tokens a second; each becoming its own
 * {@code chat.stream} would spend the relay's stream rate limit and the phone's battery for
 * nothing. Deltas are coalesced instead: the first goes at once, then at most one
 * {@code chat.stream} per interval carries everything that arrived meanwhile, numbered 1, 2, …;
 * {@link #done} sends what is left, then {@code chat.done}. Methods may be called from any thread.
 */
public final class ReplyStream {
  private final RelayClient client;
  private final Vertx vertx;
  private final Context context;
  private final long intervalMs;
  private final StringBuilder pending = new StringBuilder();
  private int seq;
  private long lastSentAt = Long.MIN_VALUE / 2;
  private long timer = -1;
  private boolean finished;

  ReplyStream(RelayClient client, Vertx vertx, Context context, long intervalMs) {
    this.client = client;
    this.vertx = vertx;
    this.context = context;
    this.intervalMs = intervalMs;
  }

  /** Appends text to the reply. */
  public void delta(String text) {
    if (text == null || text.isEmpty()) return;
    context.runOnContext(v -> {
      if (finished) return;
      pending.append(text);
      if (timer >= 0) return; // a send is already scheduled and will carry this too
      long wait = lastSentAt + intervalMs - System.currentTimeMillis();
      if (wait <= 0) flush();
      else timer = vertx.setTimer(wait, t -> {
        timer = -1;
        flush();
      });
    });
  }

  /** Sends what is pending, then {@code chat.done} with the whole text. */
  public Future<Void> done(String fullText) {
    Promise<Void> sent = Promise.promise();
    context.runOnContext(v -> {
      finished = true;
      flush();
      client.sendDone(fullText).onComplete(sent);
    });
    return sent.future();
  }

  /** How many {@code chat.stream} messages this reply has sent so far. */
  public int sent() {
    return seq;
  }

  private void flush() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
    if (pending.isEmpty()) return;
    client.sendStream(pending.toString(), ++seq);
    pending.setLength(0);
    lastSentAt = System.currentTimeMillis();
  }
}
