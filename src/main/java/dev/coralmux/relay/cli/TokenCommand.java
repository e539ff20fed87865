package dev.coralmux.relay.cli;

import dev.coralmux.relay.http.PairingLink;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code token create|list|revoke|status|usage} against a relay's HTTP API. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Create, list, inspect and revoke pairing tokens on a relay.",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class,
        TokenCommand.Status.class, TokenCommand.Usage.class})
final class TokenCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final int EXIT_FAILED = 1;

  /** Shared by the subcommands: relay URL, admin key, output format. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    RelayOptions relay;

    @Option(names = "--admin-key", paramLabel = "KEY", defaultValue = "${env:RELAY_ADMIN_KEY}",
        description = "The relay's admin key (env RELAY_ADMIN_KEY).")
    String adminKey;

    @Option(names = "--json", description = "Print the relay's JSON answer.")
    boolean json;

    @Spec
    CommandSpec spec;

    abstract JsonObject perform() throws RelayHttp.Failure;

    abstract void print(JsonObject result, PrintWriter out);

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        JsonObject result = perform();
        if (json) out.println(result.encodePrettily());
        else print(result, out);
        out.flush();
        return 0;
      } catch (RelayHttp.Failure f) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + f.code + ": " + f.getMessage());
        err.flush();
        return EXIT_FAILED;
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a pairing token. Its first output line is the token alone, for scripts.")
  static final class Create extends Base {
    @Option(names = "--label", description = "A name to recognise the token by.")
    String label;

    @Option(names = "--expires-in", paramLabel = "SECONDS", description = "Lifetime in seconds (default: never expires).")
    Long expiresIn;

    @Option(names = "--daily-bytes", description = "Daily bandwidth quota for this token.")
    Long dailyBytes;

    @Option(names = "--monthly-bytes", description = "Monthly bandwidth quota for this token.")
    Long monthlyBytes;

    @Option(names = "--phone-per-min", description = "Phone messages per minute.")
    Integer phonePerMin;

    @Option(names = "--agent-per-min", description = "Agent messages per minute.")
    Integer agentPerMin;

    @Option(names = "--qr", description = "Also print the pairing link as a QR code for a phone to scan.")
    boolean qr;

    @Override
    JsonObject perform() throws RelayHttp.Failure {
      JsonObject body = new JsonObject();
      if (label != null) body.put("label", label);
      if (expiresIn != null) body.put("expires_in_s", expiresIn);
      JsonObject limits = new JsonObject();
      if (dailyBytes != null) limits.put("daily_bytes", dailyBytes);
      if (monthlyBytes != null) limits.put("monthly_bytes", monthlyBytes);
      if (phonePerMin != null) limits.put("phone_per_min", phonePerMin);
      if (agentPerMin != null) limits.put("agent_per_min", agentPerMin);
      if (!limits.isEmpty()) body.put("limits", limits);
      JsonObject created = RelayHttp.call(relay, "POST", "/api/v1/pair", body, adminKey);
      if (qr) {
        // The relay says where phones reach it (its public_url); the URL this tool used may be a tunnel or loopback.
        try {
          JsonObject links = RelayHttp.call(relay, "GET", "/api/v1/pair/" + created.getString("token") + "/link",
              null, null);
          created.put("pairing_link", links.getString("link")).put("chat_link", links.getString("chat"));
        } catch (RelayHttp.Failure f) {
          created.put("pairing_link_error", f.code + ": " + f.getMessage());
        }
      }
      return created;
    }

    @Override
    void print(JsonObject r, PrintWriter out) {
      out.println(r.getString("token"));
      out.println("id " + r.getString("id") + (r.getString("label", "").isEmpty() ? "" : ", label \"" + r.getString("label") + "\"")
          + ", expires " + (r.getValue("expires_at") == null ? "never" : r.getString("expires_at")));
      String chat = r.getString("chat_link");
      if (qr && chat != null && chat.startsWith("https://")) {
        // Any phone camera opens it, and /chat works there (a secure context); the app link follows.
        out.println(chat);
        out.print(PairingLink.terminal(chat));
        out.println(r.getString("pairing_link"));
      } else if (qr && r.getString("pairing_link") != null) {
        out.println(r.getString("pairing_link"));
        out.print(PairingLink.terminal(r.getString("pairing_link")));
      } else if (qr) {
        // The token exists and was printed (first line, for scripts); only the link is missing.
        spec.commandLine().getErr().println("no pairing link: " + r.getString("pairing_link_error"));
        spec.commandLine().getErr().flush();
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (by id) with usage and who is online.")
  static final class ListTokens extends Base {
    @Override
    JsonObject perform() throws RelayHttp.Failure {
      return RelayHttp.call(relay, "GET", "/api/v1/pair", null, adminKey);
    }

    @Override
    void print(JsonObject r, PrintWriter out) {
      out.printf("%-16s  %-20s  %-24s  %14s  %-12s%n", "ID", "LABEL", "CREATED", "TODAY (BYTES)", "ONLINE");
      for (Object o : r.getJsonArray("tokens")) {
        JsonObject t = (JsonObject) o;
        JsonObject online = t.getJsonObject("online");
        String who = (online.getBoolean("phone") ? "phone " : "") + (online.getBoolean("agent") ? "agent" : "");
        out.printf("%-16s  %-20s  %-24s  %14d  %-12s%n", t.getString("id"), t.getString("label"),
            t.getString("created_at"), t.getJsonObject("usage").getLong("daily_used_bytes"), who.isBlank() ? "-" : who.trim());
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a token (by the token or its id); its connections are closed at once.")
  static final class Revoke extends Base {
    @Mixin
    TokenArgument token;

    @Override
    JsonObject perform() throws RelayHttp.Failure {
      RelayHttp.call(relay, "DELETE", "/api/v1/pair/" + token.value(), null, adminKey);
      return new JsonObject().put("revoked", true);
    }

    @Override
    void print(JsonObject r, PrintWriter out) {
      out.println("revoked");
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show which sides of a token are connected.")
  static final class Status extends Base {
    @Mixin
    TokenArgument token;

    @Override
    JsonObject perform() throws RelayHttp.Failure {
      return RelayHttp.call(relay, "GET", "/api/v1/pair/" + token.value(), null, null);
    }

    @Override
    void print(JsonObject r, PrintWriter out) {
      out.println("phone: " + (r.getBoolean("phone") ? "online" : "offline"));
      out.println("agent: " + (r.getBoolean("agent") ? "online" : "offline"));
    }
  }

  @Command(name = "usage", mixinStandardHelpOptions = true, description = "Show a token's usage and limits.")
  static final class Usage extends Base {
    @Mixin
    TokenArgument token;

    @Override
    JsonObject perform() throws RelayHttp.Failure {
      return RelayHttp.call(relay, "GET", "/api/v1/pair/" + token.value() + "/usage", null, null);
    }

    @Override
    void print(JsonObject r, PrintWriter out) {
      out.printf("today:      %d of %d bytes%n", r.getLong("daily_used_bytes"), r.getLong("daily_quota_bytes"));
      out.printf("this month: %d of %d bytes%n", r.getLong("monthly_used_bytes"), r.getLong("monthly_quota_bytes"));
      out.printf("rate:       phone %d/min, agent %d/min%n", r.getInteger("phone_per_min"), r.getInteger("agent_per_min"));
    }
  }
}
