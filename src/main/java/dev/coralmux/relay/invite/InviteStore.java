package dev.coralmux.relay.invite;

import io.vertx.core.Future;

/** Sealed invites by code hash, each usable once and only until it expires. */
public interface InviteStore {

  /**
   * Stores an invite of the token with hash {@code tokenHash}. A token holds at most
   * {@code maxLivePerToken} live invites: a newer one replaces the oldest, so one token can never
   * fill the store for the others.
   */
  Future<Void> put(String tokenHash, String codeHash, String sealedToken, long ttlMs, int maxLivePerToken);

  /** Removes and returns the sealed token (atomically: at most one caller gets it), or null. */
  Future<String> take(String codeHash);
}
