package dev.coralmux.relay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;

/** Spends a pair's daily quota from both sides, one message at a time, and reports where it stopped. */
public final class QuotaProbe {
  private QuotaProbe() {}

  /** Bytes delivered and messages refused with DAILY_QUOTA_EXCEEDED. */
  public record Spent(long delivered, int refused) {}

  /**
   * Alternates phone and agent messages until two are refused (or {@code maxMessages}). Each
   * message is followed by a ping: the relay answers it after the message's limit decision, so
   * the pong says whether an error came first.
   */
  public static Spent spend(WsClient phone, WsClient agent, String fromPhone, String fromAgent, int maxMessages) {
    long delivered = 0;
    int refused = 0;
    for (int i = 0; i < maxMessages && refused < 2; i++) {
      boolean phoneTurn = i % 2 == 0;
      WsClient sender = phoneTurn ? phone : agent;
      WsClient receiver = phoneTurn ? agent : phone;
      String m = Envelopes.fresh(phoneTurn ? fromPhone : fromAgent);
      sender.send(m);
      sender.send(Envelopes.ping());
      JsonObject reply = sender.next();
      if (reply.getString("type").equals("chat.error")) {
        assertEquals("DAILY_QUOTA_EXCEEDED", reply.getJsonObject("payload").getString("code"));
        sender.expect("pong");
        refused++;
      } else {
        assertEquals("pong", reply.getString("type"));
        assertEquals(m, receiver.nextRaw());
        delivered += m.length();
      }
    }
    return new Spent(delivered, refused);
  }
}
