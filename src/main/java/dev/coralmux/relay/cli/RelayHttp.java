package dev.coralmux.relay.cli;

import dev.coralmux.relay.client.CertificatePin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking calls to a relay's HTTP API for the command-line tools. */
final class RelayHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** An API answer that is not a success, with the relay's error code. */
  static final class Failure extends Exception {
    final int status;
    final String code;

    Failure(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** A client trusting only the pinned certificate, made once per pin (a command uses one). */
  private static HttpClient client(CertificatePin pin) {
    if (pin == null) return HTTP;
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
        .sslContext(pin.sslContext()).build();
  }

  static JsonObject call(RelayOptions relay, String method, String path, JsonObject body, String adminKey) throws Failure {
    String base = relay.base();
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    } catch (IllegalArgumentException e) {
      throw new Failure(0, "BAD_URL", "not a relay URL: " + base + " (expected http(s)://host:port or ws(s)://host:port/ws)");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (adminKey != null && !adminKey.isEmpty()) b.header("X-Admin-Key", adminKey);
    if (body != null) b.header("Content-Type", "application/json");
    HttpResponse<String> r;
    try {
      r = client(relay.pin).send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      String untrusted = CertificatePin.untrustedReason(e, relay.pin != null);
      if (untrusted != null) {
        throw new Failure(0, CertificatePin.UNTRUSTED_CERTIFICATE, base + ": " + untrusted
            + (relay.pin == null ? "; " + RelayOptions.PIN_HINT : ""));
      }
      throw new Failure(0, "UNREACHABLE", "cannot reach the relay at " + base + ": " + why(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(0, "INTERRUPTED", "interrupted");
    }
    if (r.statusCode() >= 300) {
      String code = "HTTP_" + r.statusCode();
      String message = r.body();
      try {
        JsonObject err = new JsonObject(r.body());
        code = err.getString("code", code);
        message = err.getString("message", message);
      } catch (RuntimeException notJson) {
        // keep the raw body
      }
      throw new Failure(r.statusCode(), code, message);
    }
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  /** A readable reason: several JDK network exceptions carry no message at all. */
  static String why(Exception e) {
    if (e instanceof java.net.ConnectException) return "connection refused (is it running, and is the port right?)";
    if (e instanceof java.net.http.HttpTimeoutException) return "no answer in time";
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
