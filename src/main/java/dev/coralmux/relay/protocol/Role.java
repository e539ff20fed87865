package dev.coralmux.relay.protocol;

/** The two sides of a pairing. */
public enum Role {
  PHONE("phone"),
  AGENT("agent");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public Role peer() {
    return this == PHONE ? AGENT : PHONE;
  }

  /** The role named on the wire, or null when the name is not a role. */
  public static Role fromWire(String name) {
    if ("phone".equals(name)) return PHONE;
    if ("agent".equals(name)) return AGENT;
    return null;
  }
}
