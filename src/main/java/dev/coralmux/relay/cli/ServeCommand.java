package dev.coralmux.relay.cli;

import dev.coralmux.relay.config.ClusterConfig;
import dev.coralmux.relay.config.ConfigException;
import dev.coralmux.relay.config.ConfigLoader;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.logging.JsonLogFormatter;
import dev.coralmux.relay.server.RelayServer;
import dev.coralmux.relay.store.StoreException;
import dev.coralmux.relay.node.HostAddresses;
import java.nio.file.Path;
import java.util.logging.Logger;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the relay until it is stopped (SIGINT/SIGTERM), then writes its counters and exits. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the relay (the default command).",
        "Reads conf/relay.json (or --config / RELAY_CONFIG); environment variables RELAY_HOST, RELAY_PORT,",
        "RELAY_ADMIN_KEY, RELAY_DATA_DIR and RELAY_PUBLIC_URL override the file."})
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());
  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 3;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: conf/relay.json).")
  Path config;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "Cluster configuration (default: conf/cluster.json); cluster mode when it says enabled.")
  Path clusterConfig;

  @Override
  public Integer call() {
    RelayConfig cfg;
    ClusterConfig cluster;
    try {
      cfg = ConfigLoader.load(config, System.getenv());
      cluster = ClusterConfig.load(clusterConfig, System.getenv());
    } catch (ConfigException e) {
      System.err.println("configuration error" + (e.problems().size() > 1 ? "s" : "") + ":");
      e.problems().forEach(p -> System.err.println("  " + p));
      return EXIT_CONFIG;
    }
    if (cfg.logFormat().equals("json")) JsonLogFormatter.install();
    RelayServer server;
    try {
      server = RelayServer.start(cfg, cluster, System.out);
    } catch (ConfigException e) {
      System.err.println("configuration error:");
      e.problems().forEach(p -> System.err.println("  " + p));
      return EXIT_CONFIG;
    } catch (StoreException e) {
      System.err.println("cannot start: " + e.getMessage());
      return EXIT_START;
    } catch (IllegalStateException e) {
      System.err.println("cannot start: " + e.getMessage());
      return EXIT_START;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("stopping: draining connections over up to " + cfg.drainMs() + " ms, then writing usage counters");
      server.drainAndStop();
      System.out.println("relay stopped; usage counters written");
    }, "coralmux-shutdown"));
    System.out.println("CoralMux relay " + banner(cfg, server.port()) + ", " + (cluster.enabled()
        ? "cluster mode, node " + server.nodeId()
        : "standalone mode, data in " + cfg.dataDir().toAbsolutePath()));
    String fingerprint = server.selfSigned().map(c -> c.fingerprint()).orElse(null);
    for (String line : PhoneUrls.lines(cfg, server.port(), HostAddresses.forUrls(), fingerprint)) {
      if (cfg.logFormat().equals("json")) LOG.info(line.strip()); // one log line (one JSON object) each
      else System.out.println(line);
    }
    if (fingerprint != null && !cfg.logFormat().equals("json")) PhoneUrls.fingerprintQr(fingerprint).forEach(System.out::println);
    System.out.flush();
    try {
      Thread.currentThread().join(); // main thread idles; the shutdown hook stops the relay
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** What is bound, as bound: "listening on 0.0.0.0:8080 (all interfaces; http, WebSocket at /ws)". */
  static String banner(RelayConfig cfg, int port) {
    String host = cfg.host().contains(":") && !cfg.host().startsWith("[") ? "[" + cfg.host() + "]" : cfg.host();
    String http = cfg.tls().enabled() ? "https" : "http";
    String ws = cfg.tls().enabled() ? "wss" : "ws";
    boolean everywhere = cfg.host().equals("0.0.0.0") || cfg.host().equals("::") || cfg.host().equals("[::]");
    if (everywhere) return "listening on " + host + ":" + port + " (all interfaces; " + http + ", WebSocket at /ws)";
    return "listening on " + host + ":" + port + " (" + http + "://" + host + ":" + port + ", WebSocket " + ws + "://" + host
        + ":" + port + "/ws)";
  }
}
