package dev.coralmux.relay.edge;

import dev.coralmux.relay.routing.ConnRef;

/**
 * What a connection knows of its peer's connection. Notices may arrive out of order, so the
 * newest epoch wins. This is a cache: the presence directory is the truth.
 */
final class PeerLink {
  private ConnRef peer;
  private long epoch;

  ConnRef current() {
    return peer;
  }

  /** What learning of a newer peer connection changed. */
  enum Change { NONE, ONLINE, REPLACED }

  /** @return ONLINE when the peer was offline, REPLACED when a newer connection took over, else NONE */
  Change learn(ConnRef ref) {
    if (ref == null || ref.epoch() <= epoch) return Change.NONE;
    boolean wasOffline = peer == null;
    peer = ref;
    epoch = ref.epoch();
    return wasOffline ? Change.ONLINE : Change.REPLACED;
  }

  /** The peer connection {@code ref} went away. @return true when the peer was online and now is not */
  boolean lose(ConnRef ref) {
    if (peer == null || ref.epoch() < epoch) return false;
    peer = null;
    epoch = ref.epoch();
    return true;
  }

  /** Whether {@code sender} is an older connection of the peer than one already known here. */
  boolean superseded(ConnRef sender) {
    return sender.epoch() < epoch;
  }

  /**
   * The node whose edge addresses start with {@code addressPrefix} left. Cut off is not dead: the
   * same connection may be learned again once the partition heals, and is not fenced meanwhile.
   * @return true when that was the peer's
   */
  boolean nodeLeft(String addressPrefix) {
    if (peer == null || !peer.address().startsWith(addressPrefix)) return false;
    epoch = peer.epoch() - 1;
    peer = null;
    return true;
  }
}
