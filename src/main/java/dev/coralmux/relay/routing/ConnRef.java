package dev.coralmux.relay.routing;

/**
 * Where one authenticated connection lives: the event-bus address of the edge verticle holding it,
 * its id there, and its epoch. Epochs grow per (token, role), so a newer connection always has a
 * larger epoch than the one it replaced; messages and notices carry the epoch they were meant for
 * and are ignored by anything else (fencing).
 */
public record ConnRef(String address, long connId, long epoch) {}
