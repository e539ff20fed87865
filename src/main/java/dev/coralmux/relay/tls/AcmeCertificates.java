package dev.coralmux.relay.tls;

import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.store.AtomicFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Certificates from an ACME CA (Let's Encrypt, or any RFC 8555 server) with HTTP-01: the relay
 * answers the CA's challenge on {@code tls.acme.http_port}, keeps the account key, certificate and
 * key as PEM files in {@code data_dir/acme}, and renews before expiry. The edge serves those files
 * exactly like {@code tls.mode "pem"} and reloads them when a renewal rewrites them.
 */
public final class AcmeCertificates {
  private static final Logger LOG = Logger.getLogger(AcmeCertificates.class.getName());
  private static final String CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

  private final Vertx vertx;
  private final RelayConfig.Tls tls;
  private final RelayConfig.Acme acme;
  private final Path dir;
  private final Map<String, String> challenges = new ConcurrentHashMap<>();
  private HttpServer challengeServer;

  public AcmeCertificates(Vertx vertx, RelayConfig config) {
    this.vertx = vertx;
    this.tls = config.tls();
    this.acme = tls.acme();
    this.dir = Path.of(tls.certFile()).getParent();
  }

  /** Starts the HTTP-01 listener, gets a certificate if none is valid, schedules renewals. Blocking: call at startup. */
  public void start(String host) throws Exception {
    challengeServer = vertx.createHttpServer().requestHandler(req -> {
      String path = req.path();
      String answer = path.startsWith(CHALLENGE_PREFIX) ? challenges.get(path.substring(CHALLENGE_PREFIX.length())) : null;
      if (answer == null) req.response().setStatusCode(404).end();
      else req.response().putHeader("Content-Type", "text/plain").end(answer);
    });
    challengeServer.listen(acme.httpPort(), host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    renewIfDue();
    vertx.setPeriodic(acme.checkIntervalMs(), t -> vertx.executeBlocking(() -> {
      renewIfDue();
      return null;
    }, false).onFailure(e -> LOG.warning("certificate renewal failed (will retry): " + e.getMessage())));
  }

  /** Obtains a new certificate when there is none or it expires within the renewal window. Blocking. */
  synchronized void renewIfDue() throws Exception {
    Path certFile = Path.of(tls.certFile());
    if (Files.exists(certFile)) {
      Instant notAfter = readCertificate(certFile).getNotAfter().toInstant();
      if (Instant.now().plus(Duration.ofDays(acme.renewBeforeDays())).isBefore(notAfter)) return;
    }
    obtain();
  }

  private void obtain() throws Exception {
    Files.createDirectories(dir);
    Session session = new Session(URI.create(acme.directory()), new TrustingProvider(acme.caFile()));
    AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
    if (!acme.email().isEmpty()) builder.addEmail(acme.email());
    Account account = builder.create(session);
    Order order = account.newOrder().domains(acme.domains()).create();
    for (Authorization auth : order.getAuthorizations()) {
      if (auth.getStatus() == Status.VALID) continue;
      Http01Challenge challenge = auth.findChallenge(Http01Challenge.class)
          .orElseThrow(() -> new IllegalStateException("the CA offers no HTTP-01 challenge for " + auth.getIdentifier()));
      challenges.put(challenge.getToken(), challenge.getAuthorization());
      try {
        challenge.trigger();
        if (auth.waitForCompletion(Duration.ofMinutes(2)) != Status.VALID) {
          throw new IllegalStateException("the CA could not validate " + auth.getIdentifier().getDomain()
              + " over HTTP-01 on port " + acme.httpPort() + ": " + challenge.getError().map(Object::toString).orElse("invalid"));
        }
      } finally {
        challenges.remove(challenge.getToken());
      }
    }
    KeyPair domainKey = KeyPairUtils.createKeyPair(2048);
    order.execute(domainKey);
    if (order.waitForCompletion(Duration.ofMinutes(2)) != Status.VALID) {
      throw new IllegalStateException("the CA did not issue the certificate: " + order.getError().map(Object::toString).orElse(""));
    }
    StringWriter cert = new StringWriter();
    order.getCertificate().writeCertificate(cert);
    StringWriter key = new StringWriter();
    KeyPairUtils.writeKeyPair(domainKey, key);
    // Key first, then certificate: the edge reloads when either changes, and a pair is complete
    // once the certificate (the second write) lands.
    AtomicFiles.write(Path.of(tls.keyFile()), key.toString().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(Path.of(tls.certFile()), cert.toString().getBytes(StandardCharsets.UTF_8));
    LOG.info("certificate for " + acme.domains() + " obtained from " + acme.directory() + ", valid until "
        + readCertificate(Path.of(tls.certFile())).getNotAfter().toInstant());
  }

  private KeyPair accountKey() throws IOException {
    Path file = dir.resolve("account.pem");
    if (Files.exists(file)) return KeyPairUtils.readKeyPair(new StringReader(Files.readString(file)));
    KeyPair key = KeyPairUtils.createKeyPair(2048);
    StringWriter out = new StringWriter();
    KeyPairUtils.writeKeyPair(key, out);
    AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
    return key;
  }

  private static X509Certificate readCertificate(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  public Future<Void> stop() {
    return challengeServer == null ? Future.succeededFuture() : challengeServer.close();
  }

  /** Talks to the ACME server trusting an extra CA when configured (private CAs, test servers). */
  private static final class TrustingProvider extends GenericAcmeProvider {
    private final String caFile;

    TrustingProvider(String caFile) {
      this.caFile = caFile;
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
      if (caFile.isEmpty()) return super.createHttpConnector(settings);
      SSLContext ctx = trusting(caFile);
      return new HttpConnector(settings) {
        @Override
        public java.net.http.HttpClient.Builder createClientBuilder() {
          return super.createClientBuilder().sslContext(ctx);
        }
      };
    }

    private static SSLContext trusting(String caFile) {
      try (InputStream in = Files.newInputStream(Path.of(caFile))) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
      } catch (Exception e) {
        throw new IllegalStateException("cannot read tls.acme.ca_file " + caFile + ": " + e.getMessage(), e);
      }
    }
  }
}
