package dev.coralmux.relay.cli;

import dev.coralmux.relay.client.CertificatePin;
import dev.coralmux.relay.client.ClientOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options every client command shares: which relay, and how to trust its certificate. */
final class RelayOptions {
  /** The hint printed wherever the relay's certificate is refused. */
  static final String PIN_HINT = "pass the SHA-256 fingerprint the relay printed at startup with --cert-sha256 HEX "
      + "(env RELAY_CERT_SHA256)";

  @Option(names = "--relay", paramLabel = "URL", defaultValue = "${env:RELAY_URL:-http://127.0.0.1:8080}",
      description = "The relay's base URL (env RELAY_URL; default ${DEFAULT-VALUE}).")
  String relay;

  @Option(names = "--cert-sha256", paramLabel = "HEX", defaultValue = "${env:RELAY_CERT_SHA256}",
      converter = PinConverter.class,
      description = {"Over https/wss, trust only the relay certificate with this SHA-256 fingerprint (env RELAY_CERT_SHA256):",
          "what a relay in tls.mode \"self-signed\" prints at startup. Its host names are then not checked."})
  CertificatePin pin;

  /** Parses the fingerprint when the command line is read: a typo is a usage error, not a failed connection. */
  static final class PinConverter implements ITypeConverter<CertificatePin> {
    @Override
    public CertificatePin convert(String value) {
      try {
        return CertificatePin.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /**
   * The relay's HTTP base URL. The WebSocket URL the banner prints ({@code ws://host:8080/ws}) is
   * accepted too: people paste what they were shown.
   */
  String base() {
    String u = relay.trim();
    if (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    if (u.endsWith("/ws")) u = u.substring(0, u.length() - 3);
    if (u.startsWith("ws://")) u = "http://" + u.substring(5);
    else if (u.startsWith("wss://")) u = "https://" + u.substring(6);
    return u;
  }

  /**
   * The one line for a connection the client gave up on before it was made: the relay's certificate
   * was refused (the only such case), with how to pin it when no pin was given.
   */
  String refusedCertificate(String reason) {
    return CertificatePin.UNTRUSTED_CERTIFICATE + ": " + reason + (pin == null ? "; " + PIN_HINT : "");
  }

  /** Client options for this relay, with the certificate pin if one was given. */
  ClientOptions client(String token, dev.coralmux.relay.protocol.Role role) {
    ClientOptions o = ClientOptions.of(base(), token, role);
    return pin == null ? o : o.withTrustedCertificateSha256(pin.fingerprint());
  }
}
