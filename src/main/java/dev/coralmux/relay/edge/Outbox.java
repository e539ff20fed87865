package dev.coralmux.relay.edge;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.metrics.RelayMetrics;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.routing.EdgeMessage;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Everything written to one client: its peer's messages and the relay's own. A peer message
 * counts as forwarded when its write completes. One that cannot be written goes back to its
 * sender and is counted under its reason (peer slow, peer gone, socket closed with it queued) —
 * unless it is kept in the history: then it waits there for this reader (or its next connection).
 * Deliveries that arrive while the client is still authenticating are held, a bounded few.
 */
final class Outbox implements InOrderDelivery.Socket {
  private final EdgeVerticle edge;
  private final RelayMetrics metrics;
  private final RelayConfig.WebSocket settings;
  private final OutboundQueue queue;
  private List<EdgeMessage.Deliver> held;
  private LongConsumer keptWritten = seq -> { };
  private Runnable written = () -> { };

  Outbox(EdgeVerticle edge, OutboundQueue queue) {
    this.edge = edge;
    this.metrics = edge.deps().metrics();
    this.settings = edge.deps().config().websocket();
    this.queue = queue;
  }

  /**
   * @param keptWritten told the sequence number of each kept message written (the history cursor)
   * @param written told after every completed write (room again for what waits)
   */
  void onWritten(LongConsumer keptWritten, Runnable written) {
    this.keptWritten = keptWritten;
    this.written = written;
  }

  @Override
  public boolean hasRoomFor(long size) {
    return queue.hasRoomFor(size);
  }

  /** Keeps a delivery until the client's {@code auth.ok} is out, or refuses it when too many wait. */
  void hold(EdgeMessage.Deliver d) {
    if (held == null) held = new ArrayList<>(2);
    if (held.size() < settings.maxHeldDeliveries()) {
      held.add(d);
    } else {
      bounce(d, DropReason.PEER_SLOW, EdgeMessage.Bounce.of(d, ErrorCode.RATE_LIMITED,
          "your peer is still connecting; retry shortly", 500));
    }
  }

  /** The client is live: what was held goes out, in order, through {@code deliver}. */
  void releaseHeld(Consumer<EdgeMessage.Deliver> deliver) {
    if (held == null) return;
    List<EdgeMessage.Deliver> waiting = held;
    held = null;
    waiting.forEach(deliver);
  }

  /** The client is gone: what was held goes back to its senders. */
  void returnHeld() {
    if (held == null) return;
    held.forEach(this::returnToSender);
    held = null;
  }

  void returnToSender(EdgeMessage.Deliver d) {
    notDelivered(edge::send, edge.deps().metrics(), d);
  }

  /**
   * A message that cannot reach this connection (gone, replaced). A kept one is not lost: the
   * reader's next connection gets it from the history, and a sender with acks hears it is stored.
   * Anything else goes back to its sender as in v1.
   */
  static void notDelivered(Consumer<EdgeMessage> bus, RelayMetrics metrics, EdgeMessage.Deliver d) {
    if (d.kept()) {
      if (d.wantsAck() && d.sender() != null) bus.accept(new EdgeMessage.Ack(d.sender(), d.messageId(), false));
      return;
    }
    metrics.undelivered(DropReason.PEER_GONE);
    bus.accept(EdgeMessage.Bounce.peerGone(d));
  }

  @Override
  public void deliver(EdgeMessage.Deliver d) {
    int size = d.frame().length;
    if (!queue.hasRoomFor(size)) {
      if (d.kept()) return; // InOrderDelivery checks room first; a kept message waits in the history anyway
      bounce(d, DropReason.PEER_SLOW, EdgeMessage.Bounce.of(d, ErrorCode.RATE_LIMITED,
          "your peer is reading more slowly than you send; retry later", 1000));
      return;
    }
    boolean sameNode = d.sender() != null && edge.isLocal(d.sender().address());
    // Vert.x's public API makes text frames from Strings only, so the bytes are decoded here and
    // encoded again by Vert.x: ~13% of closed-loop throughput at 1 KiB (65k vs 77k msg/s median,
    // same run; nothing at protocol rates) — docs/BENCHMARKS.md, "public-API text frames".
    WebSocketFrame frame = WebSocketFrame.textFrame(new String(d.frame(), StandardCharsets.UTF_8), true);
    queue.write(frame, size, ar -> {
      written.run();
      if (ar.failed()) {
        // A kept message stays in the history for the reader's next connection (its cursor did not move).
        if (!d.kept()) bounce(d, DropReason.GONE_DISCONNECTED, EdgeMessage.Bounce.peerGone(d));
        return;
      }
      metrics.delivered(size, !sameNode);
      if (sameNode && d.receivedAtNanos() > 0) metrics.forwardLatency(System.nanoTime() - d.receivedAtNanos());
      if (d.kept()) {
        if (d.wantsAck()) edge.send(new EdgeMessage.Ack(d.sender(), d.messageId(), true));
        keptWritten.accept(d.seq());
      }
    });
  }

  /** A relay-made message; dropped (and counted) when the client is not reading at all. */
  void sendRelay(String text) {
    int size = text.length();
    if (!queue.hasRoomFor(size)) {
      metrics.relayMessageNotSent();
      return;
    }
    queue.write(WebSocketFrame.textFrame(text, true), size, ar -> {
      written.run();
      if (ar.failed()) metrics.relayMessageNotSent();
    });
  }

  boolean stalled(long now) {
    return queue.stalled(now, settings.slowConsumerTimeoutMs());
  }

  private void bounce(EdgeMessage.Deliver d, DropReason reason, EdgeMessage.Bounce bounce) {
    metrics.undelivered(reason);
    edge.send(bounce);
  }
}
