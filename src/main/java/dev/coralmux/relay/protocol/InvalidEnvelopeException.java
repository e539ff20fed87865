package dev.coralmux.relay.protocol;

/** A client frame that is not a valid CoralMux v1 envelope. The message says what is wrong, for the sender. */
public final class InvalidEnvelopeException extends Exception {
  private final String messageId;

  public InvalidEnvelopeException(String reason, String messageId) {
    super(reason, null, false, false); // expected on bad input: no stack trace
    this.messageId = messageId;
  }

  /** The envelope's id if it was readable before the problem, so the error can refer to it. */
  public String messageId() {
    return messageId;
  }
}
