package dev.coralmux.relay.routing;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** Sends {@link EdgeMessage}s to the edge verticle holding their target, on this node or another. */
public final class EdgeBus {
  private static final DeliveryOptions SEND = new DeliveryOptions().setCodecName(EdgeMessageCodec.NAME);
  private static final long CLOSE_ACK_TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final PresenceDirectory presence;

  public EdgeBus(Vertx vertx, PresenceDirectory presence) {
    this.vertx = vertx;
    this.presence = presence;
  }

  /** Registers the codec once per Vert.x instance. */
  public static void registerCodec(Vertx vertx) {
    vertx.eventBus().registerCodec(new EdgeMessageCodec());
  }

  public static String edgeAddress(String nodeId, int index) {
    return "coralmux.edge." + nodeId + "." + index;
  }

  public void send(EdgeMessage m) {
    vertx.eventBus().send(m.target().address(), m, SEND);
  }

  /**
   * Asks the target's verticle to close it and waits until it has (it then receives nothing more).
   *
   * @return true once the close is acknowledged; false when the target's node did not answer (a
   *     node that is gone holds no connection, so the caller may proceed either way)
   */
  public Future<Boolean> requestClose(EdgeMessage.Close close) {
    DeliveryOptions opts = new DeliveryOptions(SEND).setSendTimeout(CLOSE_ACK_TIMEOUT_MS);
    return vertx.eventBus().request(close.target().address(), close, opts).map(true).otherwise(false);
  }

  /** Closes both sides of a token wherever they are connected (revocation). */
  public Future<Void> closeToken(String tokenHash, short code, String reason) {
    Future<Void> phone = closeRole(tokenHash, Role.PHONE, code, reason);
    Future<Void> agent = closeRole(tokenHash, Role.AGENT, code, reason);
    return Future.join(phone, agent).mapEmpty();
  }

  private Future<Void> closeRole(String tokenHash, Role role, short code, String reason) {
    return presence.locate(tokenHash, role).compose(ref ->
        ref == null ? Future.succeededFuture() : requestClose(new EdgeMessage.Close(ref, code, reason)).mapEmpty());
  }
}
