package dev.coralmux.relay.edge;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Sockets per client IP that have not authenticated yet, node-wide (shared by every edge
 * verticle). Before auth a socket may make the relay buffer a frame up to the hard cap, so one
 * client must not hold many such sockets: past the cap its upgrades are refused (429).
 */
final class UnauthenticatedSockets {
  private final int perIp;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  UnauthenticatedSockets(int perIp) {
    this.perIp = perIp;
  }

  /** @return true when {@code ip} may open one more (then counted until {@link #release}) */
  boolean tryAcquire(String ip) {
    boolean[] ok = {false};
    open.compute(ip, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= perIp) return n;
      ok[0] = true;
      return now + 1;
    });
    return ok[0];
  }

  /** The socket authenticated or closed. */
  void release(String ip) {
    open.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }

  int count(String ip) {
    return open.getOrDefault(ip, 0);
  }
}
