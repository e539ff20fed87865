package dev.coralmux.relay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenario a phone app lives every day: the agent streams a reply, the phone loses its network
 * without a close frame (its first connection goes through a {@link Blackhole}), and it reconnects —
 * maybe to another node — with the id of the last message it got. Every message must arrive exactly
 * once, in order, across the two connections.
 */
public final class DroppedPhone {
  private DroppedPhone() {}

  /**
   * @param phoneFirstPort the relay port the phone first connects to (through the blackhole)
   * @param agentUrl where the agent is connected
   * @param phoneAgainUrl where the phone reconnects
   */
  public static void run(String token, int phoneFirstPort, String agentUrl, String phoneAgainUrl, int total) throws Exception {
    int beforeCut = total / 8;
    int whileCut = total / 2;
    try (Blackhole net = new Blackhole(phoneFirstPort);
         WsClient phone = WsClient.connect(net.wsUrl());
         WsClient agent = WsClient.connect(agentUrl)) {
      phone.send(Envelopes.authResume(token, "phone", null));
      phone.expect("auth.ok");
      agent.send(Envelopes.authResume(token, "agent", null));
      agent.expect("auth.ok");
      phone.expect("status");
      List<String> sent = new ArrayList<>();
      for (int i = 1; i <= beforeCut; i++) sent.add(send(agent, i));
      // The app reads a few, then the network goes: what else reaches this socket is never read.
      List<String> got = new ArrayList<>(); // exactly as received
      while (got.size() < beforeCut / 2) got.add(nextStream(phone));
      net.cut();
      for (int i = beforeCut + 1; i <= whileCut; i++) sent.add(send(agent, i)); // into the dead socket
      try (WsClient again = WsClient.connect(phoneAgainUrl)) {
        again.send(Envelopes.authResume(token, "phone", new JsonObject(got.get(got.size() - 1)).getString("id")));
        JsonObject ok = again.expect("auth.ok").getJsonObject("payload");
        assertEquals(true, ok.getJsonObject("resume").getBoolean("complete"), ok::encode);
        for (int i = whileCut + 1; i <= total; i++) sent.add(send(agent, i)); // the rest, live
        while (got.size() < total) got.add(nextStream(again));
        again.expectQuiet(); // and nothing twice
      }
      for (int i = 0; i < total; i++) {
        int index = i;
        assertEquals(sent.get(i), got.get(i), () -> "message " + (index + 1) + " of " + total
            + " missing, out of order or not byte for byte");
      }
    }
  }

  /** The next agent message, skipping the relay's own (status notices). */
  private static String nextStream(WsClient c) {
    while (true) {
      String raw = c.nextRaw();
      if (new JsonObject(raw).getString("type").equals("chat.stream")) return raw;
    }
  }

  private static String send(WsClient agent, int n) {
    String m = Envelopes.stream("part " + n + " ", n);
    agent.send(m);
    return m;
  }
}
