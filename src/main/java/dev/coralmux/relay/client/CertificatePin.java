package dev.coralmux.relay.client;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in exactly one certificate, named by the SHA-256 of its DER encoding: what a relay in
 * {@code tls.mode "self-signed"} prints at startup (and browsers show as the certificate's
 * fingerprint). The relay's leaf certificate must hash to the pinned value (compared in constant
 * time); nothing else is accepted, not even a certificate a public CA signed. Host names are not
 * checked: the key itself is pinned, so a LAN address the certificate does not name is fine.
 */
public final class CertificatePin {
  /** Error code of a TLS connection refused because the relay's certificate is not trusted. */
  public static final String UNTRUSTED_CERTIFICATE = "UNTRUSTED_CERTIFICATE";

  private final byte[] sha256;

  private CertificatePin(byte[] sha256) {
    this.sha256 = sha256;
  }

  /**
   * Parses a fingerprint: 64 hex digits, in either case, with or without {@code :} or spaces
   * between the bytes, optionally after {@code SHA-256}, {@code sha256:} or {@code sha256/}.
   *
   * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
   */
  public static CertificatePin of(String fingerprint) {
    if (fingerprint == null) throw new IllegalArgumentException("no certificate fingerprint given");
    String s = fingerprint.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    for (String prefix : new String[] {"sha-256", "sha256:", "sha256/", "sha256"}) {
      if (lower.startsWith(prefix)) {
        s = s.substring(prefix.length());
        break;
      }
    }
    String hex = s.replace(":", "").replaceAll("\\s+", "");
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("not a SHA-256 certificate fingerprint (64 hex digits, e.g. 0C:1E:…): "
          + (fingerprint.length() > 120 ? fingerprint.substring(0, 120) + "…" : fingerprint));
    }
    return new CertificatePin(HexFormat.of().parseHex(hex));
  }

  /** SHA-256 of the certificate's DER encoding, as {@code AB:CD:…} (as browsers and the relay print it). */
  public static String fingerprint(X509Certificate cert) throws CertificateEncodingException {
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(cert.getEncoded()));
  }

  /** The pinned value, as {@code AB:CD:…}. */
  public String fingerprint() {
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256);
  }

  /** A trust manager that accepts exactly the pinned certificate as the server's leaf. */
  public X509ExtendedTrustManager trustManager() {
    return new Pinned();
  }

  /** A TLS context trusting only the pinned certificate (for {@code java.net.http.HttpClient} and the like). */
  public SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM: " + e, e);
    }
  }

  /**
   * One line on why a TLS connection failed, if it failed on the relay's certificate; null for any
   * other failure. Without a pin it says how to pin a self-signed relay.
   *
   * @param pinned whether the connection had a pin
   */
  public static String untrustedReason(Throwable failure, boolean pinned) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PinMismatch || (t.getMessage() != null && t.getMessage().contains(PinMismatch.MARK))) {
        return t.getMessage();
      }
      if (t instanceof SSLHandshakeException && !pinned) {
        String why = certificateProblem(t.getMessage());
        if (why != null) {
          return "the relay's certificate is not trusted: " + why + "; for a relay with a self-signed certificate, "
              + "pin the SHA-256 fingerprint it prints at startup";
        }
      }
    }
    return null;
  }

  /** The JDK's reason in words (its own text names internal exception classes), or null if not about the certificate. */
  private static String certificateProblem(String message) {
    if (message == null) return null;
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("pkix") || m.contains("certification path")) return "no CA this JVM trusts signed it";
    if (m.contains("subject alternative") || m.contains("no name matching")) return message.strip();
    if (m.contains("certificate")) return message.replaceAll("[\\w.]+Exception: ", "").strip();
    return null;
  }

  private static byte[] sha256(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The relay presented another certificate than the pinned one. */
  static final class PinMismatch extends CertificateException {
    static final String MARK = ", not the pinned ";

    PinMismatch(String message) {
      super(message);
    }
  }

  private final class Pinned extends X509ExtendedTrustManager {
    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) throw new PinMismatch("the relay presented no certificate");
      byte[] actual = sha256(chain[0].getEncoded());
      if (!MessageDigest.isEqual(actual, sha256)) {
        throw new PinMismatch("the relay's certificate has SHA-256 fingerprint "
            + HexFormat.ofDelimiter(":").withUpperCase().formatHex(actual) + PinMismatch.MARK + fingerprint()
            + " (a new certificate, or not your relay)");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a relay client trusts no client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("a relay client trusts no client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("a relay client trusts no client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
