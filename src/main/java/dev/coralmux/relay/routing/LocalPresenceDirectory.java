package dev.coralmux.relay.routing;

import dev.coralmux.relay.protocol.Role;
import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The presence directory of a single node: one slot per token, locked for each change. */
public final class LocalPresenceDirectory implements PresenceDirectory {
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
  private final AtomicLong paired = new AtomicLong();

  @Override
  public Future<Registration> register(String tokenHash, Role role, String address, long connId) {
    Slot slot = slots.computeIfAbsent(tokenHash, h -> new Slot());
    synchronized (slot) {
      ConnRef replaced = slot.get(role);
      ConnRef self = new ConnRef(address, connId, ++slot.epoch);
      slot.set(role, self);
      ConnRef peer = slot.get(role.peer());
      if (replaced == null && peer != null) paired.incrementAndGet();
      return Future.succeededFuture(new Registration(self, replaced, peer));
    }
  }

  @Override
  public Future<ConnRef> unregister(String tokenHash, Role role, ConnRef self) {
    Slot slot = slots.get(tokenHash);
    if (slot == null) return Future.succeededFuture(null);
    synchronized (slot) {
      if (!self.equals(slot.get(role))) return Future.succeededFuture(null);
      slot.set(role, null);
      ConnRef peer = slot.get(role.peer());
      if (peer != null) paired.decrementAndGet();
      // The slot (and its epoch counter) stays while the token exists, so epochs keep growing.
      return Future.succeededFuture(peer);
    }
  }

  @Override
  public Future<ConnRef> locate(String tokenHash, Role role) {
    Slot slot = slots.get(tokenHash);
    if (slot == null) return Future.succeededFuture(null);
    synchronized (slot) {
      return Future.succeededFuture(slot.get(role));
    }
  }

  @Override
  public Future<Long> pairedSessions() {
    return Future.succeededFuture(paired.get());
  }

  private static final class Slot {
    ConnRef phone;
    ConnRef agent;
    long epoch;

    ConnRef get(Role role) {
      return role == Role.PHONE ? phone : agent;
    }

    void set(Role role, ConnRef ref) {
      if (role == Role.PHONE) phone = ref;
      else agent = ref;
    }
  }
}
