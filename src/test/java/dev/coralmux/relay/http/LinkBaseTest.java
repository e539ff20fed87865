package dev.coralmux.relay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where pairing links point, decided from (direct peer, headers, config) alone: no sockets needed. */
class LinkBaseTest {
  static final String STRANGER = "203.0.113.7";
  static final String PROXY = "10.0.0.5";

  static LinkBase.Request from(String peer, String host, String proto, String fwdHost) {
    return new LinkBase.Request(peer, false, host, proto, fwdHost);
  }

  static String base(LinkBase.Decision d) {
    return assertInstanceOf(LinkBase.Base.class, d, d::toString).url();
  }

  static String refusal(LinkBase.Decision d) {
    return assertInstanceOf(LinkBase.Refused.class, d, d::toString).message();
  }

  @Test
  void aSpoofedHostFromANonLoopbackPeerIsRefusedNamingPublicUrl() {
    LinkBase noConfig = new LinkBase("", List.of());
    assertTrue(refusal(noConfig.decide(from(STRANGER, "evil.example.com", null, null))).contains("public_url"));
    // Forwarded headers from a peer that is not a trusted proxy are ignored: still refused.
    assertTrue(refusal(noConfig.decide(from(STRANGER, "evil.example.com", "https", "relay.example.com"))).contains("public_url"));
    assertTrue(refusal(noConfig.decide(from("192.0.2.2", "127.0.0.1:8080", null, null))).contains("public_url"),
        "a Host naming loopback proves nothing; only the peer address counts");
  }

  @Test
  void publicUrlWinsOverEveryHeader() {
    LinkBase configured = new LinkBase("https://relay.example.com", List.of(PROXY));
    assertEquals("https://relay.example.com", base(configured.decide(from(STRANGER, "evil.example.com", "http", "evil.example.com"))));
    assertEquals("https://relay.example.com", base(configured.decide(from(PROXY, "x", "http", "evil.example.com"))));
    assertEquals("wss://relay.example.com/ws", PairingLink.webSocketUrl("https://relay.example.com"));
  }

  @Test
  void loopbackPeersGetTheirOwnSchemeAndHostAndForwardedHeadersAreIgnored() {
    LinkBase noConfig = new LinkBase("", List.of());
    assertEquals("http://127.0.0.1:8080", base(noConfig.decide(from("127.0.0.1", "127.0.0.1:8080", "https", "evil.example.com"))));
    assertEquals("https://localhost:8443", base(noConfig.decide(new LinkBase.Request("0:0:0:0:0:0:0:1", true, "localhost:8443", null, null))));
    assertTrue(refusal(noConfig.decide(from("127.0.0.1", null, null, null))).contains("public_url"), "no Host at all");
    assertTrue(refusal(noConfig.decide(from("127.0.0.1", "a.example/evil?x=", null, null))).contains("public_url"));
  }

  @Test
  void aTrustedProxysForwardedProtoAndHostAreHonoured() {
    LinkBase behindProxy = new LinkBase("", List.of(PROXY));
    assertEquals("https://relay.example.com", base(behindProxy.decide(from(PROXY, "coralmux:8080", "https", "relay.example.com"))));
    assertEquals("https://coralmux:8080", base(behindProxy.decide(from(PROXY, "coralmux:8080", "HTTPS", null))), "its own Host");
    assertEquals("https://relay.example.com", base(behindProxy.decide(from(PROXY, "x", "http, https", "evil.example, relay.example.com"))),
        "the entry the trusted proxy appended (the last) counts");
    assertEquals("http://coralmux:8080", base(behindProxy.decide(from(PROXY, "coralmux:8080", null, null))));
    assertTrue(refusal(behindProxy.decide(from(PROXY, "coralmux", "javascript", null))).contains("X-Forwarded-Proto"));
    assertTrue(refusal(behindProxy.decide(from(PROXY, "coralmux", "https", "evil.example/@x"))).contains("public_url"));
  }

  @Test
  void loopbackIsDecidedFromAddressLiteralsOnly() {
    assertTrue(LinkBase.isLoopback("127.0.0.1"));
    assertTrue(LinkBase.isLoopback("127.1.2.3"));
    assertTrue(LinkBase.isLoopback("::1"));
    assertTrue(LinkBase.isLoopback("::ffff:127.0.0.1"));
    assertFalse(LinkBase.isLoopback("localhost"), "a name would need DNS (and on the event loop)");
    assertFalse(LinkBase.isLoopback("192.0.2.2"));
    assertFalse(LinkBase.isLoopback("fd00::2"));
    assertFalse(LinkBase.isLoopback(""));
    assertFalse(LinkBase.isLoopback(null));
  }

  @Test
  void inSelfSignedModeLoopbackLinksPointAtTheHostsOwnLanAddressNeverAtAHeader() {
    LinkBase lan = new LinkBase("", List.of(), "192.168.1.20");
    assertEquals("https://192.168.1.20:8443", base(lan.decide(new LinkBase.Request("127.0.0.1", true, "localhost:8443", null, null))));
    assertEquals("https://192.168.1.20", base(lan.decide(new LinkBase.Request("127.0.0.1", true, "localhost", null, null))));
    assertTrue(refusal(lan.decide(new LinkBase.Request("127.0.0.1", true, "a.example/evil?x=", null, null))).contains("public_url"));
    assertTrue(refusal(lan.decide(new LinkBase.Request(STRANGER, true, "192.168.1.20:8443", null, null))).contains("public_url"),
        "a stranger still gets no link, LAN address or not");
    assertEquals("https://relay.example.com", base(new LinkBase("https://relay.example.com", List.of(), "192.168.1.20")
        .decide(new LinkBase.Request("127.0.0.1", true, "localhost:8443", null, null))), "public_url still wins");
  }
}
