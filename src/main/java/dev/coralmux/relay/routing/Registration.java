package dev.coralmux.relay.routing;

/**
 * The result of registering a connection in the presence directory.
 *
 * @param self the new connection's location, with its epoch
 * @param replaced the same-role connection it took over from, or null
 * @param peer the other role's connection for the same token, or null when the peer is offline
 */
public record Registration(ConnRef self, ConnRef replaced, ConnRef peer) {}
