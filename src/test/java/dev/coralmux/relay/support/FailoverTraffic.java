package dev.coralmux.relay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An agent streaming to its phone at a steady pace (one {@code chat.stream} every
 * {@value #PACE_MS} ms) while something fails, recording what each side sees: which messages the
 * phone got (once, twice, in order?), which the agent had refused and with which code, and when.
 * With {@code reliable} both sides opt in to reliable delivery ({@code resume} + {@code acks}).
 */
public final class FailoverTraffic implements AutoCloseable {
  public static final int PACE_MS = 20;

  /**
   * What one pair saw. {@code lost}: sent, never delivered and never refused (silently gone).
   * Times are in ms after the failure began; {@code maxGapMs} is the longest the phone waited
   * between two messages, {@code firstSentAfterDeliveredMs} when the first message sent after the
   * failure began reached the phone.
   */
  public record Summary(String name, int sent, int delivered, int duplicates, int outOfOrder, Map<String, Integer> refused,
                        int lost, long maxGapMs, long firstSentAfterDeliveredMs) {
    @Override
    public String toString() {
      return name + ": sent " + sent + ", delivered " + delivered + ", duplicates " + duplicates + ", out of order "
          + outOfOrder + ", refused " + refused + ", lost " + lost + ", longest wait at the phone " + maxGapMs
          + " ms, first message sent after the failure delivered at +" + firstSentAfterDeliveredMs + " ms";
    }
  }

  private final String name;
  private final WsClient agent;
  private final WsClient phone;
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<String, Integer> index = new ConcurrentHashMap<>();
  /** Envelope ids as the phone got them, with the time. */
  private final List<String> got = new CopyOnWriteArrayList<>();
  private final List<Long> gotAt = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> gotSet = ConcurrentHashMap.newKeySet();
  private final Map<String, String> refusedCode = new ConcurrentHashMap<>();
  private final AtomicInteger unreferencedErrors = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong sentBytes = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean sending = true;
  private volatile boolean reading = true;
  private final List<Thread> threads = new ArrayList<>();

  private FailoverTraffic(String name, WsClient agent, WsClient phone) {
    this.name = name;
    this.agent = agent;
    this.phone = phone;
  }

  /** Pairs a phone (on {@code phoneUrl}) and an agent (on {@code agentUrl}) and starts the stream. */
  public static FailoverTraffic start(String name, String token, String phoneUrl, String agentUrl, boolean reliable) {
    WsClient phone = WsClient.connect(phoneUrl);
    WsClient agent = null;
    try {
      phone.send(reliable ? Envelopes.authResume(token, "phone", null) : Envelopes.auth(token, "phone"));
      phone.expect("auth.ok");
      agent = WsClient.connect(agentUrl);
      agent.send(reliable ? Envelopes.authResume(token, "agent", null) : Envelopes.auth(token, "agent"));
      agent.expect("auth.ok");
      assertEquals("online", phone.expect("status").getJsonObject("payload").getString("peer"));
    } catch (RuntimeException | Error e) {
      phone.close();
      if (agent != null) agent.close();
      throw e;
    }
    FailoverTraffic t = new FailoverTraffic(name, agent, phone);
    t.spawn(t::sendLoop);
    t.spawn(t::phoneLoop);
    t.spawn(t::agentLoop);
    return t;
  }

  private void spawn(Runnable r) {
    Thread th = new Thread(r, "traffic-" + name);
    th.setDaemon(true);
    threads.add(th);
    th.start();
  }

  private void sendLoop() {
    int n = 0;
    while (sending) {
      n++;
      String m = Envelopes.stream(name + " part " + n + " ", n);
      String id = new JsonObject(m).getString("id");
      index.put(id, sent.size());
      sentAt.put(id, System.currentTimeMillis());
      sent.add(id);
      sentBytes.addAndGet(m.length());
      try {
        agent.send(m);
      } catch (RuntimeException e) {
        return; // the connection is gone: what was sent is judged by settle()
      }
      LockSupport.parkNanos(PACE_MS * 1_000_000L);
    }
  }

  private void phoneLoop() {
    while (reading) {
      String raw = phone.poll(100);
      if (raw == null) continue;
      JsonObject m = new JsonObject(raw);
      if ("chat.stream".equals(m.getString("type"))) {
        gotAt.add(System.currentTimeMillis());
        got.add(m.getString("id"));
        gotSet.add(m.getString("id"));
      }
    }
  }

  private void agentLoop() {
    while (reading) {
      String raw = agent.poll(100);
      if (raw == null) continue;
      JsonObject m = new JsonObject(raw);
      if (!"chat.error".equals(m.getString("type"))) continue; // acks and status notices
      JsonObject p = m.getJsonObject("payload");
      if (p.getString("ref_id") != null) refusedCode.put(p.getString("ref_id"), p.getString("code"));
      else unreferencedErrors.incrementAndGet();
    }
  }

  /** Stops the agent's stream (call on every pair before settling any, so none goes on meanwhile). */
  public void stopSending() {
    sending = false;
  }

  /** Messages sent at or after {@code millis} (wall clock) that reached the phone. */
  public int deliveredSentAfter(long millis) {
    int n = 0;
    for (String id : got) if (sentAt.getOrDefault(id, 0L) >= millis) n++;
    return n;
  }

  /** Bytes of every message sent (what the token's quota should have counted once all is delivered). */
  public long sentBytes() {
    return sentBytes.get();
  }

  public int delivered() {
    return got.size();
  }

  /**
   * Stops sending, waits (bounded) until every message sent was delivered or refused, and sums up.
   *
   * @param failedAt when the failure began (wall clock ms)
   */
  public Summary settle(long failedAt, Duration atMost) {
    sending = false;
    try {
      Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
        for (String id : sent) if (!gotSet.contains(id) && !refusedCode.containsKey(id)) return false;
        return true;
      });
    } catch (ConditionTimeoutException e) {
      // some were lost: counted below
    }
    reading = false;
    List<String> ids = new ArrayList<>(got);
    List<Long> at = new ArrayList<>(gotAt);
    int duplicates = ids.size() - (int) ids.stream().distinct().count();
    int outOfOrder = 0;
    int highest = -1;
    for (String id : ids) {
      int i = index.getOrDefault(id, -1);
      if (i < highest) outOfOrder++;
      highest = Math.max(highest, i);
    }
    long maxGap = 0;
    long firstAfter = -1;
    for (int i = 0; i < at.size(); i++) {
      if (i > 0) maxGap = Math.max(maxGap, at.get(i) - at.get(i - 1));
      if (firstAfter < 0 && sentAt.getOrDefault(ids.get(i), 0L) >= failedAt) firstAfter = at.get(i) - failedAt;
    }
    Map<String, Integer> refused = new TreeMap<>();
    refusedCode.values().forEach(code -> refused.merge(code, 1, Integer::sum));
    if (unreferencedErrors.get() > 0) refused.put("(without ref_id)", unreferencedErrors.get());
    int lost = 0;
    for (String id : sent) if (!gotSet.contains(id) && !refusedCode.containsKey(id)) lost++;
    int delivered = (int) ids.stream().distinct().filter(sentAt::containsKey).count();
    return new Summary(name, sent.size(), delivered, duplicates, outOfOrder, refused, lost, maxGap, firstAfter);
  }

  @Override
  public void close() {
    sending = false;
    reading = false;
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    agent.close();
    phone.close();
  }
}
