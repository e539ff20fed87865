package dev.coralmux.relay.cli;

import dev.coralmux.relay.client.OpenAiBridge;
import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.ReplyStream;
import dev.coralmux.relay.client.RelayError;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.protocol.Role;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs an agent on the relay: an echo demo, or a bridge to an OpenAI-compatible model endpoint. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Run an agent: answer the paired phone's chat.send messages with streamed replies.",
        "With --echo it streams the text back; with --openai-base-url it asks that model endpoint.",
        "Runs until interrupted (Ctrl-C)."})
final class AgentCommand implements Callable<Integer> {
  @Mixin
  RelayOptions relay;

  @Mixin
  ClientFlags client;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Backend backend = new Backend();

  static final class Backend {
    @Option(names = "--echo", description = "Answer by streaming each message's text back (the default).")
    boolean echo;

    @Option(names = "--openai-base-url", paramLabel = "URL", defaultValue = "${env:OPENAI_BASE_URL}",
        description = "Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 (env OPENAI_BASE_URL).")
    String openAiBaseUrl;
  }

  @Option(names = "--model", defaultValue = "${env:OPENAI_MODEL:-gpt-4o-mini}",
      description = "Model name for the bridge (env OPENAI_MODEL; default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--api-key", defaultValue = "${env:OPENAI_API_KEY}", description = "API key for the bridge (env OPENAI_API_KEY).")
  String apiKey;

  @Override
  public Integer call() throws InterruptedException {
    OpenAiBridge bridge = backend.openAiBaseUrl == null || backend.echo ? null
        : new OpenAiBridge(backend.openAiBaseUrl, model, apiKey);
    ExecutorService work = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "agent-backend");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch stopped = new CountDownLatch(1);
    RelayClient[] holder = new RelayClient[1];
    StartupHistory history = new StartupHistory(n -> System.err.println(n + " message(s) from before this agent started "
        + "were not answered (the relay's history; with E2E they were sealed to an earlier key)"));
    RelayListener listener = new RelayListener() {
      @Override
      public void onConnected(io.vertx.core.json.JsonObject authOk) {
        history.connected(authOk);
        System.err.println("agent connected" + (authOk.getBoolean("paired") ? "; phone online" : "; waiting for the phone"));
      }

      @Override
      public void onResumed(int replayed, boolean complete) {
        if (replayed > 0 || !complete) System.err.println("resumed: " + replayed + " message(s) replayed"
            + (complete ? "" : "; some were no longer held by the relay"));
      }

      @Override
      public void onPeerStatus(boolean online) {
        System.err.println("phone " + (online ? "online" : "offline"));
      }

      @Override
      public void onEncrypted() {
        System.err.println("end-to-end encryption on");
      }

      @Override
      public void onMessage(RelayMessage m) {
        if (history.skip() || !m.type().equals("chat.send")) return;
        String text = m.payload().getString("text", "");
        work.execute(() -> answer(holder[0], bridge, text));
      }

      @Override
      public void onRelayError(RelayError e) {
        if (history.skip(e)) return;
        System.err.println("relay: " + e.code() + ": " + e.message());
      }

      @Override
      public void onAuthFailed(String code, String message) {
        System.err.println("error: " + code + ": " + message);
        stopped.countDown();
      }

      @Override
      public void onDisconnected(int code, String reason, boolean retrying) {
        if (code == -1 && !retrying) System.err.println("error: " + relay.refusedCertificate(reason));
        else System.err.println("disconnected (" + code + " " + reason + ")" + (retrying ? "; reconnecting" : ""));
        if (!retrying) stopped.countDown();
      }
    };
    RelayClient agent = RelayClient.start(relay.client(client.token, Role.AGENT)
        .withE2e(!client.noE2e).withReliable(!client.noResume), listener);
    holder[0] = agent;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "agent-shutdown"));
    stopped.await();
    agent.close();
    return 1; // only a refused token or a takeover ends the agent on its own
  }

  /** Streams one reply: echo in a few chunks, or the model's deltas; errors become chat.error. */
  private static void answer(RelayClient agent, OpenAiBridge bridge, String text) {
    ReplyStream reply = agent.replyStream(); // deltas coalesced: at most one chat.stream per interval
    if (bridge == null) {
      int parts = Math.max(1, Math.min(4, text.length()));
      int step = (text.length() + parts - 1) / Math.max(1, parts);
      for (int i = 0; i < text.length(); i += Math.max(1, step)) {
        reply.delta(text.substring(i, Math.min(text.length(), i + Math.max(1, step))));
      }
      reply.done(text);
      return;
    }
    try {
      String full = bridge.ask(text, reply::delta);
      reply.done(full);
    } catch (OpenAiBridge.BackendException e) {
      agent.sendError("BACKEND_ERROR", e.getMessage());
    }
  }
}
