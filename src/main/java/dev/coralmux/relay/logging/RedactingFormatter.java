package dev.coralmux.relay.logging;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/** Wraps a formatter (the text format) so every line it writes goes through {@link Redaction}. */
public final class RedactingFormatter extends Formatter {
  private final Formatter inner;

  public RedactingFormatter(Formatter inner) {
    this.inner = inner;
  }

  @Override
  public String format(LogRecord r) {
    return Redaction.redact(inner.format(r));
  }

  @Override
  public String getHead(Handler h) {
    return inner.getHead(h);
  }

  @Override
  public String getTail(Handler h) {
    return inner.getTail(h);
  }

  /** Wraps the formatter of every root handler that does not redact already (JSON lines redact themselves). */
  public static void install() {
    for (Handler h : LogManager.getLogManager().getLogger("").getHandlers()) {
      Formatter f = h.getFormatter();
      if (f != null && !(f instanceof RedactingFormatter) && !(f instanceof JsonLogFormatter)) h.setFormatter(new RedactingFormatter(f));
    }
  }
}
