package dev.coralmux.relay.invite;

import io.vertx.core.Future;

/** Sealed invites by code hash, each usable once and only until it expires. */
public interface InviteStore {

  Future<Void> put(String codeHash, String sealedToken, long ttlMs);

  /** Removes and returns the sealed token (atomically: at most one caller gets it), or null. */
  Future<String> take(String codeHash);
}
