package dev.coralmux.relay.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server-sent-events stream (the dashboard's), read line by line on its own thread; {@link #close()} hangs up. */
public final class SseStream implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  public final int status;
  private final InputStream body;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile boolean ended;

  private SseStream(int status, InputStream body) {
    this.status = status;
    this.body = body;
    this.reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** GETs {@code url} with these header name/value pairs; returns once the response's headers are in. */
  public static SseStream open(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) b.headers(headers);
    HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    return new SseStream(r.statusCode(), r.body());
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) lines.add(line);
    } catch (IOException e) {
      // closed by us, or cut by the server: either way the stream is over
    } finally {
      ended = true;
    }
  }

  public List<String> lines() {
    return lines;
  }

  /** Whether the server ended the stream (or it was closed). */
  public boolean ended() {
    return ended;
  }

  /** The data of every event of this name so far. */
  public List<String> data(String event) {
    List<String> out = new ArrayList<>();
    List<String> all = List.copyOf(lines);
    for (int i = 0; i + 1 < all.size(); i++) {
      if (all.get(i).equals("event: " + event) && all.get(i + 1).startsWith("data: ")) out.add(all.get(i + 1).substring(6));
    }
    return out;
  }

  /** The {@code log} events so far, as objects. */
  public List<JsonObject> logLines() {
    return data("log").stream().map(JsonObject::new).toList();
  }

  @Override
  public void close() throws Exception {
    body.close();
    reader.join(10_000);
  }
}
