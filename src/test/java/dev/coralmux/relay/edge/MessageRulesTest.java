package dev.coralmux.relay.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coralmux.relay.metrics.DropReason;
import dev.coralmux.relay.protocol.ErrorCode;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.Envelopes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The envelope rules and the auth request check, without a socket. */
class MessageRulesTest {

  private static FrameAssembler.Message text(String s) {
    Buffer b = Buffer.buffer(s);
    return new FrameAssembler.Message(b, b.length(), false, false);
  }

  private static MessageRules.Verdict check(Role role, String s) {
    return MessageRules.check(role, text(s), 1_000);
  }

  @Test
  void aValidMessageIsForwardedByteForByte() {
    String m = Envelopes.chat("héllo");
    MessageRules.Forward f = assertInstanceOf(MessageRules.Forward.class, check(Role.PHONE, m));
    assertArrayEquals(m.getBytes(StandardCharsets.UTF_8), f.frame());
    assertEquals(new JsonObject(m).getString("id"), f.id());
  }

  @Test
  void refusalsNameTheirReason() {
    MessageRules.Refuse bad = assertInstanceOf(MessageRules.Refuse.class, check(Role.PHONE, "{nope"));
    assertEquals(DropReason.INVALID_MESSAGE, bad.reason());
    MessageRules.Refuse wrongWay = assertInstanceOf(MessageRules.Refuse.class, check(Role.AGENT, Envelopes.chat("x")));
    assertEquals(ErrorCode.INVALID_MESSAGE, wrongWay.code());
    MessageRules.Refuse reserved = assertInstanceOf(MessageRules.Refuse.class,
        check(Role.PHONE, Envelopes.of("status", new JsonObject())));
    assertEquals(DropReason.INVALID_MESSAGE, reserved.reason());
    MessageRules.Refuse big = assertInstanceOf(MessageRules.Refuse.class,
        MessageRules.check(Role.PHONE, new FrameAssembler.Message(Buffer.buffer(), 5_000, false, true), 1_000));
    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, big.code());
    MessageRules.Refuse binary = assertInstanceOf(MessageRules.Refuse.class,
        MessageRules.check(Role.PHONE, new FrameAssembler.Message(Buffer.buffer("{}"), 2, true, false), 1_000));
    assertEquals(DropReason.BINARY_FRAME, binary.reason());
  }

  @Test
  void pingAndPongAreTheRelays() {
    assertInstanceOf(MessageRules.Ping.class, check(Role.AGENT, Envelopes.ping()));
    assertInstanceOf(MessageRules.Pong.class, check(Role.AGENT, Envelopes.of("pong", new JsonObject())));
  }

  @Test
  void theAuthRequestIsCheckedBeforeAnyLookup() {
    String token = "oc_pair_" + "a".repeat(43);
    AuthHandshake.Failure notAuth = assertThrows(AuthHandshake.Failure.class,
        () -> AuthHandshake.parse(text(Envelopes.chat("hi"))));
    assertEquals(ErrorCode.INVALID_MESSAGE, notAuth.code);
    AuthHandshake.Failure badRole = assertThrows(AuthHandshake.Failure.class,
        () -> AuthHandshake.parse(text(Envelopes.auth(token, "admin"))));
    assertEquals(ErrorCode.UNAUTHORIZED, badRole.code);
    AuthHandshake.Failure badToken = assertThrows(AuthHandshake.Failure.class,
        () -> AuthHandshake.parse(text(Envelopes.auth("nope", "phone"))));
    assertEquals(ErrorCode.UNAUTHORIZED, badToken.code);
  }
}
