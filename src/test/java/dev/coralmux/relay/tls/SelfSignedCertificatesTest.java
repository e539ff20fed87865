package dev.coralmux.relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-signed certificate is kept while it covers this host's names, and made anew when one is missing. */
class SelfSignedCertificatesTest {
  @Test
  void aNewAddressMakesANewCertificateTheSameNamesKeepTheOld() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-selfsigned-unit");
    Path cert = dir.resolve("self-signed/cert.pem");
    Path key = dir.resolve("self-signed/key.pem");
    List<String> names = SelfSignedCertificates.names(List.of(InetAddress.getByName("192.168.1.20")), "box",
        List.of("::1", "relay.lan"));
    SelfSignedCertificates.Certificate first = SelfSignedCertificates.ensure(cert, key, names);
    assertTrue(first.created());
    assertTrue(SelfSignedCertificates.subjectAltNames(SelfSignedCertificates.read(cert)).containsAll(names));
    SelfSignedCertificates.Certificate same = SelfSignedCertificates.ensure(cert, key, names);
    assertFalse(same.created());
    assertEquals(first.fingerprint(), same.fingerprint());
    List<String> moved = SelfSignedCertificates.names(List.of(InetAddress.getByName("192.168.1.21")), "box", List.of());
    SelfSignedCertificates.Certificate renewed = SelfSignedCertificates.ensure(cert, key, moved);
    assertTrue(renewed.created(), "an address the certificate does not cover (DHCP moved us) makes a new one");
    assertNotEquals(first.fingerprint(), renewed.fingerprint());
  }
}
