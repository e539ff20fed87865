package dev.coralmux.relay.config;

import dev.coralmux.relay.limits.LimitKey;
import dev.coralmux.relay.limits.Limits;
import java.util.EnumMap;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration: a JSON file ({@code conf/relay.json} unless {@code RELAY_CONFIG} or
 * {@code --config} names another), then environment variables on top. Every problem is reported
 * with its key; nothing unknown or mistyped is silently ignored.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("conf", "relay.json");

  private ConfigLoader() {}

  /**
   * @param file the file to read; when null, {@code RELAY_CONFIG} or else {@code conf/relay.json},
   *     and built-in defaults if that default file does not exist
   */
  public static RelayConfig load(Path file, Map<String, String> env) {
    return fromJson(ConfigFile.read(file, env, "RELAY_CONFIG", DEFAULT_FILE), env);
  }

  /** Builds the configuration from a parsed file and the environment. */
  public static RelayConfig fromJson(JsonObject json, Map<String, String> env) {
    return read(new ConfigSection(json, "", new ArrayList<>()), env);
  }

  /**
   * Every key the relay reads from {@code conf/relay.json}, qualified ({@code websocket.compression}),
   * sections included: what {@code docs/configuration.md} must list.
   */
  public static java.util.Set<String> keys() {
    ConfigSection root = new ConfigSection(new JsonObject(), "", new ArrayList<>());
    read(root, Map.of());
    return root.keysRead();
  }

  private static RelayConfig read(ConfigSection root, Map<String, String> env) {
    List<String> problems = root.problems();

    String host = root.string("host", "0.0.0.0");
    int port = root.integer("port", 8080, 0, 65535);
    String publicUrl = root.string("public_url", "");
    String logFormat = root.string("log_format", "text");
    String dataDir = root.string("data_dir", "data");
    String adminKey = root.string("admin_key", "");
    int eventLoops = root.integer("event_loops", 0, 0, 1024);

    Limits d = Limits.PROTOCOL_DEFAULTS;
    ConfigSection l = root.section("limits");
    Map<LimitKey, Long> values = new EnumMap<>(LimitKey.class);
    for (LimitKey k : LimitKey.values()) {
      if (!k.inHistorySection()) values.put(k, l.number(k.wire, d.get(k), k.min, k.max));
    }
    ConfigSection h = root.section("history");
    boolean historyEnabled = h.bool("enabled", true);
    values.put(LimitKey.HISTORY_MESSAGES, h.number("max_messages", d.historyMessages(), LimitKey.HISTORY_MESSAGES.min,
        LimitKey.HISTORY_MESSAGES.max));
    values.put(LimitKey.HISTORY_BYTES, h.number("max_bytes", d.historyBytes(), LimitKey.HISTORY_BYTES.min,
        LimitKey.HISTORY_BYTES.max));
    RelayConfig.History history = new RelayConfig.History(historyEnabled, h.number("ttl_s", 86_400, 1, 365L * 86_400) * 1000);
    h.rejectUnknownKeys();
    Limits limits = Limits.of(values);
    String onLimiterError = l.string("on_limiter_error", RelayConfig.ALLOW);
    if (!onLimiterError.equals(RelayConfig.ALLOW) && !onLimiterError.equals(RelayConfig.REFUSE)) {
      problems.add("limits.on_limiter_error: must be \"allow\" or \"refuse\", got \"" + onLimiterError + "\"");
    }
    l.rejectUnknownKeys();

    ConfigSection w = root.section("websocket");
    long hardMax = w.number("hard_max_message_bytes", 0, 0, Integer.MAX_VALUE);
    RelayConfig.WebSocket ws = new RelayConfig.WebSocket(
        w.number("auth_timeout_ms", 10_000, 50, 600_000),
        w.number("heartbeat_interval_ms", 30_000, 100, 3_600_000),
        w.number("send_queue_bytes", 8L * 1024 * 1024, 1024, Integer.MAX_VALUE),
        w.number("slow_consumer_timeout_ms", 30_000, 100, 3_600_000),
        hardMax == 0 ? Math.min(Integer.MAX_VALUE, 2 * limits.maxMessageBytes()) : hardMax,
        w.number("close_grace_ms", 3_000, 100, 60_000),
        w.integer("max_pending_decisions", 64, 1, 100_000),
        w.number("max_pending_decision_bytes", 8L * 1024 * 1024, 1024, Integer.MAX_VALUE),
        w.integer("max_held_deliveries", 64, 1, 100_000),
        w.bool("compression", false),
        w.number("max_auth_message_bytes", 64 * 1024, 256, 16L * 1024 * 1024),
        w.integer("unauthenticated_per_ip", 64, 1, 1_000_000));
    w.rejectUnknownKeys();
    if (ws.hardMaxMessageBytes() < limits.maxMessageBytes()) {
      problems.add("websocket.hard_max_message_bytes: must be at least limits.max_message_bytes ("
          + limits.maxMessageBytes() + ")");
    }

    ConfigSection s = root.section("store");
    long flushMs = s.number("flush_interval_ms", 1_000, 100, 3_600_000);
    s.rejectUnknownKeys();

    ConfigSection sd = root.section("shutdown");
    long drainMs = sd.number("drain_ms", 20_000, 0, 300_000);
    sd.rejectUnknownKeys();

    ConfigSection m = root.section("metrics");
    RelayConfig.Metrics metrics = new RelayConfig.Metrics(m.bool("open", false), m.integer("port", 0, 0, 65535));
    m.rejectUnknownKeys();

    ConfigSection t = root.section("tls");
    String tlsMode = t.string("mode", "off");
    String certFile = t.string("cert_file", "");
    String keyFile = t.string("key_file", "");
    long reloadCheck = t.number("reload_check_ms", 10_000, 100, 3_600_000);
    List<String> selfSignedNames = t.strings("self_signed_names");
    ConfigSection a = t.section("acme");
    RelayConfig.Acme acme = new RelayConfig.Acme(
        a.string("directory", "https://acme-v02.api.letsencrypt.org/directory"), a.strings("domains"),
        a.string("email", ""), a.integer("http_port", 80, 1, 65535), a.string("ca_file", ""),
        a.integer("renew_before_days", 30, 0, 100_000), a.number("check_interval_ms", 43_200_000, 100, 604_800_000));
    a.rejectUnknownKeys();
    t.rejectUnknownKeys();

    ConfigSection inv = root.section("invite");
    long inviteTtl = inv.number("ttl_ms", 1_800_000, 1_000, 86_400_000);
    int inviteFailures = inv.integer("failures_per_ip", 20, 1, 1_000_000);
    int maxLive = inv.integer("max_live_per_token", 5, 1, 1_000);
    int creations = inv.integer("creations_per_ip_per_hour", 30, 1, 1_000_000);
    String inviteSecret = inv.string("secret", "");
    inv.rejectUnknownKeys();

    ConfigSection adm = root.section("admin");
    RelayConfig.Admin admin = new RelayConfig.Admin(adm.integer("failures_per_ip", 10, 1, 1_000_000));
    adm.rejectUnknownKeys();

    ConfigSection r = root.section("registration");
    RelayConfig.Registration reg = new RelayConfig.Registration(
        r.bool("enabled", false), r.integer("per_ip_per_hour", 5, 1, 1_000_000), r.strings("trusted_proxies"));
    r.rejectUnknownKeys();
    root.rejectUnknownKeys();

    host = env.getOrDefault("RELAY_HOST", host);
    port = envInt(env, "RELAY_PORT", port, problems);
    dataDir = env.getOrDefault("RELAY_DATA_DIR", dataDir);
    adminKey = env.getOrDefault("RELAY_ADMIN_KEY", adminKey);
    publicUrl = env.getOrDefault("RELAY_PUBLIC_URL", publicUrl);
    inviteSecret = env.getOrDefault("RELAY_INVITE_SECRET", inviteSecret);
    Secrets.check("admin_key", adminKey, Secrets.MIN_ADMIN_KEY, problems);
    Secrets.check("invite.secret", inviteSecret, Secrets.MIN_INVITE_SECRET, problems);
    logFormat = env.getOrDefault("RELAY_LOG_FORMAT", logFormat);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      problems.add("log_format: must be \"text\" or \"json\", got \"" + logFormat + "\"");
    }
    if (!publicUrl.isEmpty() && !validPublicUrl(publicUrl)) {
      // Pairing links (with the token) are built from it: a typo must stop the relay, not mislead phones.
      problems.add("public_url: must be an http(s):// (or ws(s)://) URL with a host and no query, e.g. https://relay.example.com; got \""
          + publicUrl + "\"");
    }
    if (host.isBlank()) problems.add("host: must not be empty");
    if (dataDir.isBlank()) problems.add("data_dir: must not be empty");

    if (tlsMode.equals("acme")) {
      if (acme.domains().isEmpty()) problems.add("tls.acme.domains: required when tls.mode is \"acme\"");
      if (!certFile.isEmpty() || !keyFile.isEmpty()) {
        problems.add("tls: cert_file/key_file are managed by ACME (in data_dir/acme); remove them or use mode \"pem\"");
      }
      // The certificate and key ACME obtains live in the data directory and are served like PEM files.
      certFile = Path.of(dataDir, "acme", "cert.pem").toString();
      keyFile = Path.of(dataDir, "acme", "key.pem").toString();
    } else if (tlsMode.equals(RelayConfig.Tls.SELF_SIGNED)) {
      if (!certFile.isEmpty() || !keyFile.isEmpty()) {
        problems.add("tls: cert_file/key_file are made by the relay in mode \"self-signed\" (in data_dir/self-signed); "
            + "remove them or use mode \"pem\"");
      }
      certFile = Path.of(dataDir, "self-signed", "cert.pem").toString();
      keyFile = Path.of(dataDir, "self-signed", "key.pem").toString();
    } else if (!tlsMode.equals("off") && !tlsMode.equals("pem")) {
      problems.add("tls.mode: must be \"off\", \"pem\", \"acme\" or \"self-signed\", got \"" + tlsMode + "\"");
    } else if (tlsMode.equals("pem")) {
      if (certFile.isEmpty()) problems.add("tls.cert_file: required when tls.mode is \"pem\"");
      if (keyFile.isEmpty()) problems.add("tls.key_file: required when tls.mode is \"pem\"");
    } else if (!certFile.isEmpty() || !keyFile.isEmpty()) {
      problems.add("tls: cert_file/key_file are set but tls.mode is \"off\"; set mode to \"pem\" or remove them");
    }
    RelayConfig.Tls tls = new RelayConfig.Tls(tlsMode, certFile, keyFile, reloadCheck, acme, selfSignedNames);
    if (!selfSignedNames.isEmpty() && !tlsMode.equals(RelayConfig.Tls.SELF_SIGNED)) {
      problems.add("tls.self_signed_names: only used when tls.mode is \"self-signed\"");
    }
    if (metrics.port() != 0 && metrics.port() == port) {
      problems.add("metrics.port: must differ from port (" + port + "), or be 0 to serve /metrics on the main port");
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    RelayConfig.Invite invite = new RelayConfig.Invite(inviteTtl, inviteFailures, maxLive, creations, inviteSecret);
    return new RelayConfig(host, port, publicUrl, Path.of(dataDir), adminKey, eventLoops, limits, ws, flushMs, reg,
        drainMs, metrics, logFormat, tls, invite, admin, onLimiterError, history);
  }

  private static boolean validPublicUrl(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      return u.getScheme() != null && java.util.Set.of("http", "https", "ws", "wss").contains(u.getScheme())
          && u.getHost() != null && u.getUserInfo() == null && u.getQuery() == null && u.getFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static int envInt(Map<String, String> env, String name, int def, List<String> problems) {
    String v = env.get(name);
    if (v == null) return def;
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0 || n > 65535) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      problems.add(name + ": expected a port number 0-65535, got \"" + v + "\"");
      return def;
    }
  }
}
