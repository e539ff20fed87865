package dev.coralmux.relay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeParserTest {

  private static Envelope parse(String s) throws InvalidEnvelopeException {
    return EnvelopeParser.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String problem(String s) {
    return assertThrows(InvalidEnvelopeException.class, () -> parse(s)).getMessage();
  }

  @Test
  void readsTypeAndIdAndSkipsThePayload() throws Exception {
    Envelope e = parse("{\"payload\":{\"deep\":[{\"a\":[1,2,{\"b\":null}]}],\"token\":\"x\"},\"v\":1,"
        + "\"type\":\"chat.send\",\"id\":\"abc\",\"ts\":1707451200000}");
    assertEquals("chat.send", e.type());
    assertEquals("abc", e.id());
    assertNull(e.authToken(), "only an auth payload is read");
  }

  @Test
  void readsAuthCredentialsWhereverThePayloadIs() throws Exception {
    Envelope e = parse("{\"payload\":{\"role\":\"agent\",\"extra\":{\"token\":\"nested\"},\"token\":\"oc_pair_1\"},\"type\":\"auth\"}");
    assertTrue(e.isAuth());
    assertEquals("oc_pair_1", e.authToken());
    assertEquals("agent", e.authRole());
  }

  @Test
  void relayConsumedTypesMayOmitEnvelopeFields() throws Exception {
    assertEquals("ping", parse("{\"type\":\"ping\",\"payload\":{}}").type());
    assertEquals("pong", parse("{\"type\":\"pong\"}").type());
  }

  @Test
  void namesEachProblem() {
    assertTrue(problem("\"str\"").contains("JSON object"));
    assertTrue(problem("{\"v\":1,\"v\":1,\"type\":\"a.b\",\"id\":\"i\",\"ts\":1}").contains("duplicate field: v"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.b\",\"id\":\"i\",\"ts\":1,\"type\":\"c.d\"}").contains("duplicate field: type"));
    assertTrue(problem("{\"type\":\"auth\",\"payload\":{\"token\":\"a\",\"role\":\"phone\",\"token\":\"b\"}}")
        .contains("duplicate field: payload.token"));
    assertTrue(problem("{\"v\":\"1\",\"type\":\"a.b\",\"id\":\"i\",\"ts\":1}").contains("v must be 1"));
    assertTrue(problem("{\"v\":1,\"type\":\"a b\",\"id\":\"i\",\"ts\":1}").contains("namespace.action"));
    assertTrue(problem("{\"v\":1,\"type\":\".a\",\"id\":\"i\",\"ts\":1}").contains("empty segment"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.\",\"id\":\"i\",\"ts\":1}").contains("empty segment"));
    assertTrue(problem("{\"v\":1,\"type\":\"" + "a".repeat(65) + "\",\"id\":\"i\",\"ts\":1}").contains("at most 64"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.b\",\"id\":\"\",\"ts\":1}").contains("id must be 1 to 128"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.b\",\"id\":5,\"ts\":1}").contains("id must be a string"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.b\",\"id\":\"i\",\"ts\":99999999999999999999999}").contains("out of range"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.b\",\"id\":\"i\",\"ts\":1,\"payload\":[]}").contains("payload must be an object"));
    assertTrue(problem("{\"v\":1,\"id\":\"i\",\"ts\":1}").contains("missing field: type"));
    assertTrue(problem("{}{}").contains("after the envelope"));
    assertTrue(problem("[" .repeat(5000) + "]".repeat(5000)).contains("JSON object"));
    assertTrue(problem("{\"v\":1,\"type\":\"a.b\",\"id\":\"i\",\"ts\":1,\"payload\":{\"a\":" + "[".repeat(5000)).contains("malformed"));
  }

  @Test
  void repeatsAreRefusedOnlyWhereTheRelayReads() throws Exception {
    String env = "{\"v\":1,\"type\":\"chat.send\",\"id\":\"i\",\"ts\":1,\"x\":1,\"x\":2,"
        + "\"payload\":{\"text\":\"a\",\"text\":\"b\",\"n\":{\"k\":1,\"k\":2}}}";
    assertEquals("chat.send", parse(env).type(), "the payload and unknown fields are forwarded as they are");
    byte[] claim = "{\"v\":1,\"type\":\"chat.error\",\"id\":\"i\",\"ts\":1,\"payload\":{\"source\":\"relay\"}}".getBytes();
    assertTrue(EnvelopeParser.claimsRelaySource(claim));
    byte[] own = "{\"v\":1,\"type\":\"chat.error\",\"id\":\"i\",\"ts\":1,\"payload\":{\"source\":\"agent\"}}".getBytes();
    assertFalse(EnvelopeParser.claimsRelaySource(own));
    for (String hidden : new String[] {"{\"source\":\"agent\",\"source\":\"relay\"}", "{\"source\":\"relay\",\"source\":\"agent\"}"}) {
      byte[] forged = ("{\"v\":1,\"type\":\"chat.error\",\"id\":\"i\",\"ts\":1,\"payload\":" + hidden + "}").getBytes();
      InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> EnvelopeParser.claimsRelaySource(forged));
      assertTrue(e.getMessage().contains("source"), e.getMessage());
    }
  }

  @Test
  void refersToTheIdWhenItWasReadBeforeTheProblem() {
    InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
        () -> parse("{\"id\":\"m-7\",\"v\":1,\"type\":\"a.b\",\"ts\":\"yesterday\"}"));
    assertEquals("m-7", e.messageId());
  }
}
