package dev.coralmux.relay.admin;

import io.vertx.core.Future;

/**
 * Short-lived dashboard sessions: the operator's admin key is exchanged once for a random session
 * id, so the key itself never sits in the browser. Kept only as SHA-256 hashes of the ids
 * ({@link SessionIds}), with a time to live. In memory standalone ({@link LocalAdminSessions}); in
 * Redis in cluster mode, so a session opened on one node works on every node and a logout on any
 * node ends it everywhere.
 */
public interface AdminSessions {
  long TTL_MS = 15 * 60_000;
  /** Live sessions kept at most; past it the oldest make room (only holders of the admin key open them). */
  int MAX_SESSIONS = 1_000;

  /** A new session; its id is given to the client once and stored only hashed. */
  Future<String> open();

  /** Whether {@code id} names a live session; false for null or unknown ids. Fails when the store does not answer. */
  Future<Boolean> valid(String id);

  /** Ends a session (logout); unknown ids are ignored. */
  Future<Void> close(String id);
}
