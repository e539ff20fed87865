package dev.coralmux.relay.client;

/** A failure with a CoralMux error code (from the relay, or the client's own such as NOT_CONNECTED). */
public final class RelayException extends RuntimeException {
  private final String code;

  public RelayException(String code, String message) {
    super(code + ": " + message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
