package dev.coralmux.relay.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Asks any OpenAI-compatible chat endpoint ({@code POST {base}/chat/completions} with
 * {@code "stream": true}) and passes each streamed delta on as it arrives (server-sent events,
 * {@code data: {...}} lines ending with {@code data: [DONE]}). Blocking: run it off the event loop.
 */
public final class OpenAiBridge {
  private static final int MAX_HISTORY = 20;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;
  private final String model;
  private final String apiKey;
  private final List<JsonObject> history = new ArrayList<>();

  public OpenAiBridge(String baseUrl, String model, String apiKey) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.model = model;
    this.apiKey = apiKey;
  }

  /** The backend failed; the message is fit to show the user. */
  public static final class BackendException extends Exception {
    public BackendException(String message) {
      super(message);
    }
  }

  /** Sends the user's text (with the recent conversation) and streams the answer; returns it whole. */
  public synchronized String ask(String userText, Consumer<String> onDelta) throws BackendException {
    history.add(new JsonObject().put("role", "user").put("content", userText));
    JsonObject body = new JsonObject().put("model", model).put("stream", true)
        .put("messages", new JsonArray(new ArrayList<>(history)));
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
        .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
        .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (apiKey != null && !apiKey.isEmpty()) req.header("Authorization", "Bearer " + apiKey);
    HttpResponse<Stream<String>> r;
    try {
      r = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      history.remove(history.size() - 1);
      throw new BackendException("cannot reach the model endpoint: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted");
    }
    if (r.statusCode() != 200) {
      String detail = String.join("\n", r.body().limit(20).toList());
      history.remove(history.size() - 1);
      throw new BackendException("model endpoint answered " + r.statusCode() + ": " + abbreviate(detail));
    }
    StringBuilder full = new StringBuilder();
    try (Stream<String> lines = r.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (!line.startsWith("data:")) continue; // comments, event names, blank separators
        String data = line.substring(5).trim();
        if (data.equals("[DONE]")) break;
        JsonObject chunk = new JsonObject(data);
        if (chunk.containsKey("error")) throw new BackendException("model error: " + chunk.getValue("error"));
        JsonArray choices = chunk.getJsonArray("choices", new JsonArray());
        if (choices.isEmpty()) continue;
        String delta = choices.getJsonObject(0).getJsonObject("delta", new JsonObject()).getString("content");
        if (delta != null && !delta.isEmpty()) {
          full.append(delta);
          onDelta.accept(delta);
        }
      }
    } catch (RuntimeException e) {
      throw new BackendException("unreadable stream from the model endpoint: " + e.getMessage());
    }
    history.add(new JsonObject().put("role", "assistant").put("content", full.toString()));
    while (history.size() > MAX_HISTORY) history.remove(0);
    return full.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
