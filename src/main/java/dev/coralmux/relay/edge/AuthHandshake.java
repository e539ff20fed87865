package dev.coralmux.relay.edge;

import dev.coralmux.relay.history.ReplayStart;
import dev.coralmux.relay.limits.Limits;
import dev.coralmux.relay.limits.Usage;
import dev.coralmux.relay.protocol.Envelope;
import dev.coralmux.relay.protocol.EnvelopeParser;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.protocol.InvalidEnvelopeException;
import dev.coralmux.relay.protocol.RelayMessages;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.routing.EdgeBus;
import dev.coralmux.relay.routing.EdgeMessage;
import dev.coralmux.relay.routing.Registration;
import dev.coralmux.relay.store.TokenRecord;
import dev.coralmux.relay.store.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * From a socket's first message to a registered connection: check the {@code auth} envelope, look
 * the token up, register in the presence directory (the newest connection wins), fence the
 * connection it replaced before this one goes live, and read the usage {@code auth.ok} reports.
 */
final class AuthHandshake {

  /** Why authentication failed, in the words the client gets. No stack trace: it is an answer, not a bug. */
  static final class Failure extends RuntimeException {
    final ErrorCode code;

    Failure(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** A well-formed auth request: the token (as its hash), the role claimed, and what it asks of delivery. */
  record Request(String tokenHash, Role role, DeliveryCaps caps) {}

  /**
   * A registered connection, ready to go live.
   *
   * @param replay where it starts in its history (null when the history is off)
   */
  record Result(TokenRecord token, Role role, Registration registration, Usage usage, ReplayStart replay) {

    /** The {@code auth.ok} to send; a client that asked for {@code resume} learns what is replayed. */
    String authOk(boolean paired, Limits limits, boolean resume) {
      if (resume && replay != null) {
        return RelayMessages.authOk(paired, limits.dailyBytes(), usage.dailyUsedBytes(), limits.monthlyBytes(),
            usage.monthlyUsedBytes(), replay.count(), replay.complete());
      }
      return RelayMessages.authOk(paired, limits.dailyBytes(), usage.dailyUsedBytes(), limits.monthlyBytes(),
          usage.monthlyUsedBytes());
    }
  }

  /** Checks the first message; throws {@link Failure}. */
  static Request parse(FrameAssembler.Message m) {
    if (m.binary() || m.oversize()) {
      throw new Failure(ErrorCode.INVALID_MESSAGE, "the first message must be an auth envelope (JSON text)");
    }
    Envelope env;
    try {
      env = EnvelopeParser.parse(m.data().getBytes());
    } catch (InvalidEnvelopeException e) {
      throw new Failure(ErrorCode.INVALID_MESSAGE, "the first message must be an auth envelope: " + e.getMessage());
    }
    if (!env.isAuth()) throw new Failure(ErrorCode.INVALID_MESSAGE, "the first message must be auth, got " + env.type());
    Role role = Role.fromWire(env.authRole());
    if (role == null) throw new Failure(ErrorCode.UNAUTHORIZED, "role must be \"phone\" or \"agent\"");
    if (!Tokens.wellFormed(env.authToken())) throw new Failure(ErrorCode.UNAUTHORIZED, "invalid pairing token");
    return new Request(Tokens.hash(env.authToken()), role, DeliveryCaps.of(payloadOf(m)));
  }

  /** The auth payload, read whole once more (a small message, once per connection) for the delivery caps. */
  private static JsonObject payloadOf(FrameAssembler.Message m) {
    try {
      JsonObject p = new JsonObject(m.data()).getJsonObject("payload");
      return p == null ? new JsonObject() : p;
    } catch (RuntimeException e) {
      throw new Failure(ErrorCode.INVALID_MESSAGE, "the auth payload must be a JSON object");
    }
  }

  private final EdgeDependencies deps;
  private final EdgeBus bus;

  AuthHandshake(EdgeDependencies deps, EdgeBus bus) {
    this.deps = deps;
    this.bus = bus;
  }

  /**
   * @param waiting whether the socket still waits for this (it may close or time out meanwhile)
   * @param registered told of the registration as soon as it exists, so a close from here on
   *     unregisters it; the handshake stops when {@code waiting} turns false
   */
  Future<Result> run(Request req, String address, long connId, BooleanSupplier waiting, Consumer<Registration> registered) {
    return deps.tokens().find(req.tokenHash())
        .recover(e -> fail(ErrorCode.SERVICE_UNAVAILABLE, "the relay cannot verify tokens right now; retry shortly"))
        .compose(token -> {
          if (token == null) return fail(ErrorCode.UNAUTHORIZED, "invalid pairing token");
          if (token.expired(System.currentTimeMillis())) return fail(ErrorCode.UNAUTHORIZED, "pairing token expired");
          if (!waiting.getAsBoolean()) return fail(ErrorCode.UNAUTHORIZED, "closed");
          return deps.presence().register(req.tokenHash(), req.role(), address, connId)
              .recover(e -> fail(ErrorCode.SERVICE_UNAVAILABLE, "the relay cannot register connections right now; retry shortly"))
              .compose(reg -> {
                registered.accept(reg);
                if (!waiting.getAsBoolean()) return fail(ErrorCode.UNAUTHORIZED, "closed");
                // Opened after registering: a message kept from now on is either in what this
                // connection reads here or addressed to it (see Forwarder#onDecision).
                return fence(reg)
                    .compose(v -> deps.limiter().usage(req.tokenHash()).otherwise(Usage.NONE))
                    .compose(usage -> openHistory(req, token).map(start -> new Result(token, req.role(), reg, usage, start)));
              });
        });
  }

  private Future<ReplayStart> openHistory(Request req, TokenRecord token) {
    if (!deps.config().history().enabled() || !deps.config().limits().with(token.overrides()).keepsHistory()) {
      return Future.succeededFuture(null);
    }
    return deps.history().open(req.tokenHash(), req.role(), req.caps().resume(), req.caps().lastId())
        .recover(e -> fail(ErrorCode.SERVICE_UNAVAILABLE, "the relay cannot read the message history right now; retry shortly"));
  }

  /**
   * Closes the connection this one replaced and waits until it is closed, so nothing reaches both.
   * An unanswered close means the old connection's node died: for the peer that is a real
   * offline-then-online transition, not a quiet takeover.
   */
  private Future<Void> fence(Registration reg) {
    if (reg.replaced() == null) return Future.succeededFuture();
    return bus.requestClose(new EdgeMessage.Close(reg.replaced(), CloseCodes.REPLACED, "replaced by a newer connection"))
        .map(fenced -> {
          if (!fenced && reg.peer() != null) bus.send(new EdgeMessage.PeerOffline(reg.peer(), reg.replaced()));
          return null;
        });
  }

  private static <T> Future<T> fail(ErrorCode code, String message) {
    return Future.failedFuture(new Failure(code, message));
  }
}
