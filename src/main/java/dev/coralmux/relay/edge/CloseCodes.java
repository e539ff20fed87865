package dev.coralmux.relay.edge;

/** WebSocket close codes the relay sends, in one place so clients and docs can rely on them. */
final class CloseCodes {
  private CloseCodes() {}

  /** Node shutting down or draining: reconnect (to another replica). */
  static final short GOING_AWAY = 1001;
  /** A frame the WebSocket decoder refused as malformed. */
  static final short PROTOCOL_ERROR = 1002;
  /** Slow consumer: the client read nothing for too long. */
  static final short POLICY = 1008;
  /** A message over the hard cap: reading it further would be unsafe. */
  static final short TOO_BIG = 1009;
  /** Authentication failed, token revoked or expired. */
  static final short AUTH = 4401;
  /** No pong or frame within three heartbeat intervals. */
  static final short HEARTBEAT = 4408;
  /** A newer connection for the same token and role took over. */
  static final short REPLACED = 4409;
}
