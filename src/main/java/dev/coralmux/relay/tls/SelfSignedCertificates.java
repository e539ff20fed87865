package dev.coralmux.relay.tls;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.node.HostAddresses;
import dev.coralmux.relay.store.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * {@code tls.mode "self-signed"}: a certificate for a relay on a LAN, where no CA can issue one
 * for a private address. Kept in {@code data_dir/self-signed} and reused across restarts (a phone
 * that accepted it once keeps working); made anew only when missing, expiring within 30 days, or
 * not covering one of the names it must (an address changed by DHCP). Served like {@code "pem"}.
 * Blocking: runs at startup, before Vert.x.
 */
public final class SelfSignedCertificates {
  private static final Logger LOG = Logger.getLogger(SelfSignedCertificates.class.getName());
  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  /** The certificate in use: its files, its SHA-256 fingerprint, and whether it was just made. */
  public record Certificate(Path certFile, Path keyFile, String fingerprint, List<String> names, boolean created) {}

  private SelfSignedCertificates() {}

  /** The names a certificate must cover on this host: its addresses, localhost, loopback, its name, {@code extra}. */
  public static List<String> names(List<InetAddress> addresses, String hostname, List<String> extra) {
    Set<String> names = new LinkedHashSet<>();
    addresses.forEach(a -> names.add(a.getHostAddress()));
    names.add("localhost");
    names.add("127.0.0.1");
    names.add(canonical("::1"));
    if (hostname != null && !hostname.isBlank()) names.add(hostname.toLowerCase(Locale.ROOT));
    extra.forEach(n -> names.add(canonical(n.trim().toLowerCase(Locale.ROOT))));
    return List.copyOf(names);
  }

  /** IP literals in one spelling ("::1" and "0:0:0:0:0:0:0:1" are one name); a literal parses without DNS. */
  private static String canonical(String name) {
    if (!isIp(name)) return name;
    try {
      return InetAddress.getByName(name).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return name;
    }
  }

  private static boolean isIp(String name) {
    return name.contains(":") || name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  /** The certificate for {@code tls.mode "self-signed"}: this host's names, in the files the config names. */
  public static Certificate ensure(RelayConfig.Tls tls) throws Exception {
    String hostname;
    try {
      hostname = InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      hostname = null; // no name for this host: its addresses still make a usable certificate
    }
    return ensure(Path.of(tls.certFile()), Path.of(tls.keyFile()),
        names(HostAddresses.nonLoopback(), hostname, tls.selfSignedNames()));
  }

  /** Reuses the certificate in {@code cert}/{@code key} if it still fits {@code names}, else writes a new one. */
  public static Certificate ensure(Path certFile, Path keyFile, List<String> names) throws Exception {
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      X509Certificate existing = read(certFile);
      List<String> missing = new ArrayList<>(names);
      missing.removeAll(subjectAltNames(existing));
      boolean fresh = Instant.now().plus(RENEW_BEFORE).isBefore(existing.getNotAfter().toInstant());
      if (missing.isEmpty() && fresh) return new Certificate(certFile, keyFile, fingerprint(existing), names, false);
      LOG.info("making a new self-signed certificate: " + (fresh ? "it does not cover " + missing : "it expires soon"));
    }
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = gen.generateKeyPair();
    X509Certificate cert = sign(key, names);
    AtomicFiles.createPrivateDirectories(certFile.getParent());
    AtomicFiles.write(keyFile, pem("PRIVATE KEY", key.getPrivate().getEncoded())); // owner-only (0600)
    AtomicFiles.write(certFile, pem("CERTIFICATE", cert.getEncoded()));
    return new Certificate(certFile, keyFile, fingerprint(cert), names, true);
  }

  private static X509Certificate sign(KeyPair key, List<String> names) throws Exception {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=CoralMux relay (self-signed)");
    var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(128, new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, key.getPublic());
    GeneralName[] sans = names.stream().map(SelfSignedCertificates::generalName).toArray(GeneralName[]::new);
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static GeneralName generalName(String name) {
    return new GeneralName(isIp(name) ? GeneralName.iPAddress : GeneralName.dNSName, name);
  }

  /** The SANs as text, IP addresses in the JDK's canonical form (as {@link InetAddress#getHostAddress}). */
  static List<String> subjectAltNames(X509Certificate cert) throws Exception {
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    List<String> out = new ArrayList<>();
    if (sans == null) return out;
    for (List<?> san : sans) {
      String v = (String) san.get(1);
      out.add((Integer) san.get(0) == GeneralName.iPAddress ? InetAddress.getByName(v).getHostAddress() : v);
    }
    return out;
  }

  /** SHA-256 of the DER certificate as colon-separated hex: what browsers show as the fingerprint. */
  public static String fingerprint(X509Certificate cert) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
  }

  public static X509Certificate read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("cannot read the certificate " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }
}
