package dev.coralmux.relay.limits;

import io.vertx.core.Future;

/**
 * At most {@code limit} events per key per fixed window: the per-client-IP limits of the HTTP API
 * (wrong admin keys, wrong invite codes, invite creations, registrations). Node-wide standalone
 * ({@link FixedWindowLimiter}); cluster-wide in cluster mode (one Redis call per check). Neither
 * fails: a cluster-wide limiter that cannot reach Redis decides with the node's own counts.
 */
public interface WindowLimiter {
  /** Records one event; -1 if allowed, else the milliseconds until {@code key} may try again. */
  Future<Long> hit(String key);

  /** Records nothing: -1 if {@code key} may act now, else the milliseconds until it may. */
  Future<Long> blockedFor(String key);

  /** Makes the limiters of a node, chosen by the mode it runs in. */
  interface Factory {
    /** @param name names the limit (Redis keys, logs): lowercase, no spaces */
    WindowLimiter create(String name, int limit, long windowMs);
  }
}
