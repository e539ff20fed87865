package dev.coralmux.relay.protocol;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUID v4 ids for the envelopes the relay makes (pongs, statuses, errors, acks: one or two per
 * message for a client with acks). {@link UUID#randomUUID()} draws from one shared SecureRandom
 * behind a lock, on every event loop at once; these ids only need to be unique, not unguessable,
 * so each thread draws from its own generator.
 */
public final class EnvelopeIds {
  private EnvelopeIds() {}

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }
}
