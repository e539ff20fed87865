package dev.coralmux.relay.store;

/** The data directory cannot be used (unreadable, corrupt, not writable). */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
