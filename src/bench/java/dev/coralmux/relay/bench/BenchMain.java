package dev.coralmux.relay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Entry point of the bench jar ({@code java -jar coralmux-relay-bench.jar [scenario]}): load-test any
 * CoralMux relay, with the same load on a bare Vert.x forwarder for comparison. Kept out of the
 * relay jar so production ships no load generator.
 */
@Command(name = "coralmux-relay-bench", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
    description = {"Measure a CoralMux relay (standalone, a cluster node or a load balancer).",
        "Run the relay with limits raised (conf/bench.json); tokens are created with the admin key.",
        "Results are appended to --out as JSON; 'report' turns them into tables and charts."},
    subcommands = {BenchMain.Throughput.class, BenchMain.Latency.class, BenchMain.Capacity.class,
        BenchMain.Idle.class, BenchMain.Churn.class, BenchMain.Report.class, CommandLine.HelpCommand.class})
public final class BenchMain {
  @Option(names = "--relay", paramLabel = "URL", defaultValue = "${env:RELAY_URL:-http://127.0.0.1:8080}",
      description = "The relay's base URL (env RELAY_URL; default ${DEFAULT-VALUE}).")
  String relay;

  @Option(names = "--admin-key", defaultValue = "${env:RELAY_ADMIN_KEY}", description = "The relay's admin key (env RELAY_ADMIN_KEY).")
  String adminKey;

  @Option(names = "--phone-url", description = "WebSocket URL for phones (default: the relay's /ws).")
  String phoneUrl;

  @Option(names = "--agent-url", description = "WebSocket URL for agents (default: the relay's /ws); a different node puts pairs across nodes.")
  String agentUrl;

  @Option(names = "--baseline", description = "Also run the same load against a bare Vert.x pair-forwarder and report relay/baseline.")
  boolean baseline;

  @Option(names = "--source-addresses", defaultValue = "1",
      description = "Spread client sockets over 127.0.0.2.. (N addresses) when one address runs out of ports.")
  int sourceAddresses;

  @Option(names = "--out", defaultValue = "target/bench/results.json", description = "Results file (JSON array, appended).")
  Path out;

  @Option(names = "--deflate", description = "Clients offer permessage-deflate, as browsers and Python websockets do.")
  void deflate(boolean on) {
    ClientSockets.offerDeflate = on;
  }

  public static void main(String[] args) {
    // Exit explicitly: Vert.x and HTTP client threads give no reason to linger.
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BenchMain.class.getPackage().getImplementationVersion();
      return new String[] {"coralmux-relay-bench " + (v == null ? "dev" : v)};
    }
  }

  String base() {
    return relay.endsWith("/") ? relay.substring(0, relay.length() - 1) : relay;
  }

  String wsOf(String url) {
    return url != null ? url : base().replaceFirst("^http", "ws") + "/ws";
  }

  BenchSpec spec(int pairs, int inflight, int size, double duration, double warmup, double rate) {
    return new BenchSpec(base(), adminKey, wsOf(phoneUrl), wsOf(agentUrl), pairs, inflight, size, duration, warmup,
        rate, sourceAddresses, 0);
  }

  void record(List<BenchResult> results) throws Exception {
    Files.createDirectories(out.toAbsolutePath().getParent());
    JsonArray all = Files.exists(out) ? new JsonArray(Files.readString(out)) : new JsonArray();
    for (BenchResult r : results) {
      all.add(r.toJson().put("at", java.time.Instant.now().toString()));
      System.out.println(r.summary());
    }
    Files.writeString(out, all.encodePrettily(), StandardCharsets.UTF_8);
  }

  /** Runs {@code load} against the relay, and against the baseline if asked; prints the ratio. */
  void withBaseline(String scenario, BenchSpec relaySpec, java.util.function.Function<BenchSpec, List<BenchResult>> load)
      throws Exception {
    List<BenchResult> relayResults = load.apply(relaySpec);
    record(relayResults);
    if (!baseline) return;
    try (BaselineProcess b = BaselineProcess.start()) {
      BenchSpec bs = new BenchSpec(null, null, b.wsUrl(), b.wsUrl(), relaySpec.pairs(), relaySpec.inflight(), relaySpec.size(),
          relaySpec.durationSeconds(), relaySpec.warmupSeconds(), relaySpec.ratePerSecond(), relaySpec.sourceAddresses(), 0);
      List<BenchResult> baseResults = load.apply(bs);
      record(baseResults);
      for (int i = 0; i < Math.min(relayResults.size(), baseResults.size()); i++) {
        System.out.printf("%s ratio relay/baseline: %.2f (delivered msg/s)%n", scenario,
            relayResults.get(i).deliveredPerSecond() / Math.max(1, baseResults.get(i).deliveredPerSecond()));
      }
    }
  }

  @Command(name = "throughput", mixinStandardHelpOptions = true,
      description = "Closed loop: P pairs, W messages in flight per pair, S-byte messages.")
  static final class Throughput implements Callable<Integer> {
    @ParentCommand
    BenchMain bench;

    @Option(names = "--pairs", defaultValue = "100") int pairs;
    @Option(names = "--inflight", defaultValue = "10") int inflight;
    @Option(names = "--size", defaultValue = "1024") int size;
    @Option(names = "--duration", defaultValue = "10", description = "Seconds measured (after warm-up).") double duration;
    @Option(names = "--warmup", defaultValue = "3") double warmup;

    @Override
    public Integer call() throws Exception {
      bench.withBaseline("throughput", bench.spec(pairs, inflight, size, duration, warmup, 0),
          s -> List.of(Benchmarks.load("throughput", s)));
      return 0;
    }
  }

  @Command(name = "latency", mixinStandardHelpOptions = true,
      description = "Open loop at fixed offered rates (default: 10/50/90%% of a quick throughput run); latency from intended send times.")
  static final class Latency implements Callable<Integer> {
    @ParentCommand
    BenchMain bench;

    @Option(names = "--pairs", defaultValue = "100") int pairs;
    @Option(names = "--size", defaultValue = "1024") int size;
    @Option(names = "--rates", split = ",", description = "Total offered msg/s per step.") List<Double> rates;
    @Option(names = "--duration", defaultValue = "8") double duration;
    @Option(names = "--warmup", defaultValue = "2", description = "Seconds sent but not measured after the pairs connect "
        + "(10+: past the collection that promotes the new connections' state — the steady state).")
    double warmup;

    @Override
    public Integer call() throws Exception {
      List<Double> steps = rates;
      if (steps == null) {
        double max = Benchmarks.load("probe", bench.spec(pairs, 10, size, 5, 2, 0)).deliveredPerSecond();
        steps = List.of(max * 0.1, max * 0.5, max * 0.9);
      }
      List<Double> chosen = steps;
      bench.withBaseline("latency", bench.spec(pairs, 0, size, duration, warmup, 1),
          s -> Benchmarks.steps("latency", s, chosen, false));
      return 0;
    }
  }

  @Command(name = "capacity", mixinStandardHelpOptions = true,
      description = "Many pairs at a fixed rate each, ramped until p99 > 50 ms or errors appear: what one node carries.")
  static final class Capacity implements Callable<Integer> {
    @ParentCommand
    BenchMain bench;

    @Option(names = "--pairs", defaultValue = "1000") int pairs;
    @Option(names = "--size", defaultValue = "1024") int size;
    @Option(names = "--rates", split = ",", defaultValue = "2000,5000,10000,20000,30000,40000,60000") List<Double> rates;
    @Option(names = "--step", defaultValue = "8", description = "Seconds per step.") double step;

    @Override
    public Integer call() throws Exception {
      bench.withBaseline("capacity", bench.spec(pairs, 0, size, step, 2, 1), s -> Benchmarks.steps("capacity", s, rates, true));
      return 0;
    }
  }

  @Command(name = "idle", mixinStandardHelpOptions = true,
      description = {"N idle authenticated connections; heap after GC and RSS per connection of the relay process",
          "(--relay-pid: VmRSS from /proc, heap via jcmd GC.run + GC.heap_info; same machine and user)."})
  static final class Idle implements Callable<Integer> {
    @ParentCommand
    BenchMain bench;

    @Option(names = "--connections", defaultValue = "10000") int connections;

    @Option(names = "--hold", defaultValue = "0", description = "Keep the connections open this many seconds after measuring "
        + "(to inspect the relay, e.g. with jcmd GC.class_histogram).")
    int holdSeconds;

    @Option(names = "--relay-pid", paramLabel = "PID",
        description = "The relay's process id; without it only client-side figures are reported (no memory).")
    Long relayPid;

    @Override
    public Integer call() throws Exception {
      JsonObject r = Benchmarks.idle(bench.base(), bench.adminKey, bench.wsOf(bench.phoneUrl), connections,
          bench.sourceAddresses, holdSeconds, relayPid);
      System.out.println(r.encodePrettily());
      appendJson(bench.out, r);
      return 0;
    }
  }

  @Command(name = "churn", mixinStandardHelpOptions = true, description = "Connect + auth + close per second.")
  static final class Churn implements Callable<Integer> {
    @ParentCommand
    BenchMain bench;

    @Option(names = "--concurrency", defaultValue = "50") int concurrency;
    @Option(names = "--duration", defaultValue = "10") double duration;

    @Override
    public Integer call() throws Exception {
      JsonObject r = Benchmarks.churn(bench.base(), bench.adminKey, bench.wsOf(bench.phoneUrl), concurrency, duration,
          bench.sourceAddresses);
      System.out.println(r.encodePrettily());
      appendJson(bench.out, r);
      return 0;
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Turn a results file into markdown tables and SVG charts.")
  static final class Report implements Callable<Integer> {
    @ParentCommand
    BenchMain bench;

    @Option(names = "--charts", defaultValue = "docs/bench", description = "Directory for the SVG charts.") Path charts;

    @Override
    public Integer call() throws Exception {
      System.out.println(BenchReport.render(new JsonArray(Files.readString(bench.out)), charts));
      return 0;
    }
  }

  static void appendJson(Path out, JsonObject r) throws Exception {
    Files.createDirectories(out.toAbsolutePath().getParent());
    JsonArray all = Files.exists(out) ? new JsonArray(Files.readString(out)) : new JsonArray();
    all.add(r.put("at", java.time.Instant.now().toString()));
    Files.writeString(out, all.encodePrettily(), StandardCharsets.UTF_8);
  }
}
