package dev.coralmux.relay.protocol;

/**
 * The parts of a client envelope the relay needs. The payload is never kept: only an {@code auth}
 * envelope's token and role are read out of it.
 */
public record Envelope(String type, String id, String authToken, String authRole) {

  public boolean isAuth() {
    return MessageTypes.AUTH.equals(type);
  }
}
