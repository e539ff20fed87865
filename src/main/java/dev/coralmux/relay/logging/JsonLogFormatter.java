package dev.coralmux.relay.logging;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One JSON object per log line, for log pipelines (production: {@code "log_format": "json"} or
 * {@code RELAY_LOG_FORMAT=json}). The relay never logs payloads and names tokens only by id; any
 * token that still reaches a line (e.g. in an exception's message) is redacted ({@link Redaction}).
 */
public final class JsonLogFormatter extends Formatter {

  @Override
  public String format(LogRecord r) {
    return toJson(r).encode() + System.lineSeparator();
  }

  /** The line as an object (the dashboard's log stream adds the node to it). */
  public JsonObject toJson(LogRecord r) {
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(r.getMillis()).toString())
        .put("level", r.getLevel().getName())
        .put("logger", r.getLoggerName())
        .put("message", Redaction.redact(formatMessage(r)));
    if (r.getThrown() != null) {
      StringWriter trace = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", Redaction.redact(r.getThrown().toString())).put("trace", Redaction.redact(trace.toString()));
    }
    return line;
  }

  /** Switches every handler of the root logger to JSON lines. */
  public static void install() {
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) h.setFormatter(new JsonLogFormatter());
  }
}
