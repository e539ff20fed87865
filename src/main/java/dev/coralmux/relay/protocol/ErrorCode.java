package dev.coralmux.relay.protocol;

/** Error codes of CoralMux v1 (the spec's table), as carried in {@code chat.error} and {@code auth.fail}. */
public enum ErrorCode {
  UNAUTHORIZED,
  PEER_OFFLINE,
  RATE_LIMITED,
  DAILY_QUOTA_EXCEEDED,
  MONTHLY_QUOTA_EXCEEDED,
  MESSAGE_TOO_LARGE,
  INVALID_MESSAGE,
  BACKEND_ERROR,
  /** Not in the spec's table: sent in {@code auth.fail} when the relay cannot verify a token right now. */
  SERVICE_UNAVAILABLE
}
