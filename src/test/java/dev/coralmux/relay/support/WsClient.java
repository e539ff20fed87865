package dev.coralmux.relay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's, independent of the relay's Vert.x stack) that records every
 * text message and how the connection closed. Blocking helpers for test threads only.
 */
public final class WsClient implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<int[]> closed = new CompletableFuture<>();
  private final CompletableFuture<String> closeReason = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private final boolean autoRead;
  private volatile WebSocket ws;

  private WsClient(boolean autoRead) {
    this.autoRead = autoRead;
  }

  public static WsClient connect(String wsUrl) {
    return connect(wsUrl, true);
  }

  /** With {@code autoRead} false the client reads nothing until {@link #read(long)}: a stalled reader. */
  public static WsClient connect(String wsUrl, boolean autoRead) {
    return connect(wsUrl, autoRead, HTTP);
  }

  /** Through {@code client} (e.g. one that trusts a self-signed relay's certificate, for wss://). */
  public static WsClient connect(String wsUrl, HttpClient client) {
    return connect(wsUrl, true, client);
  }

  private static WsClient connect(String wsUrl, boolean autoRead, HttpClient client) {
    WsClient c = new WsClient(autoRead);
    c.ws = client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(URI.create(wsUrl), c.listener())
        .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    return c;
  }

  /** Connects and authenticates; fails the test unless the relay answers auth.ok. */
  public static WsClient auth(String wsUrl, String token, String role) {
    WsClient c = connect(wsUrl);
    c.send(Envelopes.auth(token, role));
    JsonObject ok = c.next();
    assertEquals("auth.ok", ok.getString("type"), () -> "expected auth.ok, got " + ok);
    return c;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public void onOpen(WebSocket webSocket) {
        if (autoRead) webSocket.request(Long.MAX_VALUE); // else: read nothing until read(n)
      }

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          received.add(partial.toString());
          partial.setLength(0);
        }
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason.complete(reason);
        closed.complete(new int[] {statusCode});
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        closeReason.complete(String.valueOf(error));
        closed.complete(new int[] {-1});
      }
    };
  }

  public void send(String text) {
    ws.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Sends without waiting for the send to complete (for flooding a stalled peer). */
  public CompletableFuture<WebSocket> sendAsync(String text) {
    return ws.sendText(text, true);
  }

  public void sendBinary(byte[] data) {
    ws.sendBinary(ByteBuffer.wrap(data), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Sends a message split into several WebSocket frames. */
  public void sendFragmented(String text, int parts) {
    int step = Math.max(1, text.length() / parts);
    for (int i = 0; i < text.length(); i += step) {
      boolean last = i + step >= text.length();
      ws.sendText(text.substring(i, Math.min(text.length(), i + step)), last)
          .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
      if (last) break;
    }
  }

  /** Lets a stalled reader take {@code n} more messages. */
  public void read(long n) {
    ws.request(n);
  }

  /** The next message as JSON; fails the test after {@link #WAIT}. */
  public JsonObject next() {
    return new JsonObject(nextRaw());
  }

  public String nextRaw() {
    try {
      String s = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(s, "no message within " + WAIT);
      return s;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The next message if one arrives within {@code millis}, else null (for collectors that must not fail). */
  public String poll(long millis) {
    try {
      return received.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The next message, which must be of this type. */
  public JsonObject expect(String type) {
    JsonObject m = next();
    assertEquals(type, m.getString("type"), () -> "expected " + type + ", got " + m);
    return m;
  }

  /** The next message, which must be a relay error with this code; returns its payload. */
  public JsonObject expectError(String code) {
    JsonObject m = expect("chat.error");
    JsonObject p = m.getJsonObject("payload");
    assertEquals(code, p.getString("code"), () -> "expected error " + code + ", got " + m);
    assertEquals("relay", p.getString("source"));
    return p;
  }

  /**
   * Proves nothing else is waiting: sends a ping and requires the very next message to be its pong.
   * The relay answers in order, so anything it sent this client earlier would come first.
   */
  public void expectQuiet() {
    send(Envelopes.ping());
    JsonObject m = next();
    assertEquals("pong", m.getString("type"), () -> "expected no message before pong, got " + m);
  }

  /** Waits for the relay to close the connection; returns the close code. */
  public int awaitClose() {
    try {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)[0];
    } catch (Exception e) {
      fail("connection not closed within " + WAIT);
      return -2;
    }
  }

  public String closeReason() {
    return closeReason.getNow(null);
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  public int pending() {
    return received.size();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.abort();
    }
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }
}
