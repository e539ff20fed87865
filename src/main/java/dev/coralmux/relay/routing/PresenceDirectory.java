package dev.coralmux.relay.routing;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;

/**
 * Who is connected where: (token hash, role) → {@link ConnRef}. Registration and removal are atomic
 * per token, so two sides arriving at once always see each other exactly once.
 */
public interface PresenceDirectory {

  /** Makes this connection the live one for (token, role); the newest always wins. */
  Future<Registration> register(String tokenHash, Role role, String address, long connId);

  /**
   * Removes the connection if it is still the live one for (token, role).
   *
   * @return the peer to tell about it, or null (no peer, or the connection had been replaced)
   */
  Future<ConnRef> unregister(String tokenHash, Role role, ConnRef self);

  /** The live connection for (token, role), or null. */
  Future<ConnRef> locate(String tokenHash, Role role);

  /** Tokens with both sides connected. */
  Future<Long> pairedSessions();
}
