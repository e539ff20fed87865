package dev.coralmux.relay.tls;

import dev.coralmux.relay.config.RelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.logging.Logger;

/**
 * The relay's certificate from PEM files (configured, or written by {@link AcmeCertificates}),
 * reloaded when the files change — a renewal by certbot, cert-manager or ACME: new connections
 * get the new certificate, open ones keep theirs. Checked with async file stats, so the event
 * loop never waits on the disk.
 */
public final class PemCertificates {
  private static final Logger LOG = Logger.getLogger(PemCertificates.class.getName());

  private PemCertificates() {}

  public static PemKeyCertOptions options(RelayConfig.Tls tls) {
    return new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile());
  }

  /**
   * Starts watching the files for {@code server}. Completes once the current files are read, so
   * any later change is seen as one.
   *
   * @return the periodic timer's id (cancel it when the server stops)
   */
  public static Future<Long> watch(Vertx vertx, HttpServer server, RelayConfig.Tls tls) {
    long[] loaded = new long[1];
    return stamp(vertx, tls).map(first -> {
      loaded[0] = first;
      return vertx.setPeriodic(tls.reloadCheckMs(), t -> stamp(vertx, tls).onSuccess(now -> {
        if (now == loaded[0]) return;
        loaded[0] = now;
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(options(tls)), true)
            .onSuccess(ok -> LOG.info("TLS certificate reloaded from " + tls.certFile()))
            .onFailure(e -> LOG.warning("TLS certificate reload failed (keeping the old one): " + e.getMessage()));
      }));
    });
  }

  /** Changes when either file's modification time changes. */
  private static Future<Long> stamp(Vertx vertx, RelayConfig.Tls tls) {
    return Future.all(vertx.fileSystem().props(tls.certFile()), vertx.fileSystem().props(tls.keyFile()))
        .map(f -> ((FileProps) f.resultAt(0)).lastModifiedTime() * 31 + ((FileProps) f.resultAt(1)).lastModifiedTime());
  }
}
