package dev.coralmux.relay.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the jar: {@code java -jar coralmux-relay.jar [command]}; no command means {@code serve}. */
@Command(name = "coralmux-relay",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "CoralMux v1 relay: pairs a phone and an AI agent that both connect out over WebSocket.",
    subcommands = {ServeCommand.class, TokenCommand.class, AgentCommand.class, ChatCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    System.exit(new CommandLine(new ServeCommand()).execute());
  }

  public static void main(String[] args) {
    // Exit explicitly: client commands leave no reason to wait for stray non-daemon threads.
    System.exit(new CommandLine(new Main()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"coralmux-relay " + (v == null ? "dev" : v)};
    }
  }
}
