package dev.coralmux.relay.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Whether this node decides limits through Redis (cluster-wide) or on its own because Redis did
 * not answer, and the way back. A failed call switches to local decisions at once, so no later
 * message waits on a server that does not answer; from then on no limit check goes to Redis, and
 * a probe (about once a second, {@link RedisLimiter#reconcile()}) switches back as soon as Redis
 * answers. Each switch is logged once; the state is in {@code /health} ({@code limits_mode}) and
 * {@code /metrics} ({@code coralmux_limits_local}).
 */
final class LimitsMode {
  private static final Logger LOG = Logger.getLogger(RedisLimiter.class.getName());
  /** When this node began deciding alone; 0 while Redis decides. */
  private final AtomicLong localSince = new AtomicLong();

  boolean local() {
    return localSince.get() != 0;
  }

  /** A limit check's Redis call failed: decide locally until a probe succeeds. */
  void failed(Throwable e) {
    if (localSince.compareAndSet(0, System.currentTimeMillis())) {
      LOG.warning("Redis does not answer (" + e.getMessage() + "); deciding limits locally until it does (probed every second)");
    }
  }

  /** A probe was answered: limits go back to Redis. */
  void answered() {
    long since = localSince.getAndSet(0);
    if (since != 0) {
      LOG.info("Redis answers again; limits are decided cluster-wide (decided locally for "
          + (System.currentTimeMillis() - since) + " ms)");
    }
  }
}
