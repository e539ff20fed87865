package dev.coralmux.relay.cli;

import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.RelayError;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.client.StreamAssembler;
import dev.coralmux.relay.protocol.Role;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A terminal phone client: pairs with a token and prints streamed replies as they arrive. */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = {"Chat with your agent from the terminal, as the phone side of a pairing.",
        "Type a line to send it; replies stream in as they arrive. Ctrl-D quits.",
        "With --message, send one message, print the reply and exit (0, or 1 with the error code)."})
final class ChatCommand implements Callable<Integer> {
  @Mixin
  RelayOptions relay;

  @Mixin
  ClientFlags client;

  @Option(names = "--message", paramLabel = "TEXT", description = "Send this one message and exit after the reply.")
  String message;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long --message waits for the agent and its reply (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** Outcome of one exchange: the full reply, or an error code with its message. */
  private record Reply(String text, String errorCode, String errorMessage) {}

  private volatile CompletableFuture<Reply> pending = new CompletableFuture<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private volatile String cannotConnect;
  private volatile String fatal;

  @Override
  public Integer call() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    boolean e2e = !client.noE2e;
    StreamAssembler stream = new StreamAssembler(delta -> out.print(delta));
    StartupHistory history = new StartupHistory(n -> { });
    RelayListener listener = new RelayListener() {
      boolean reconnected;

      @Override
      public void onConnected(JsonObject authOk) {
        reconnected = history.connected(authOk);
        if (message == null) System.err.println("connected" + (authOk.getBoolean("paired") ? "; agent online" : "; waiting for the agent"));
        if (authOk.getBoolean("paired") && !e2e) ready.complete(null);
      }

      @Override
      public void onResumed(int replayed, boolean complete) {
        if (reconnected && !complete) System.err.println("warning: some messages sent while this side was away are no longer held by the relay");
      }

      @Override
      public void onPeerStatus(boolean online) {
        if (message == null) System.err.println("agent " + (online ? "online" : "offline"));
        if (online && !e2e) ready.complete(null);
      }

      @Override
      public void onEncrypted() {
        if (message == null) System.err.println("end-to-end encrypted");
        ready.complete(null);
      }

      @Override
      public void onMessage(RelayMessage m) {
        if (history.skip()) return; // earlier runs' conversation, not a reply to this one
        switch (m.type()) {
          case "chat.stream" -> stream.chunk(m.payload().getInteger("seq", 0), m.payload().getString("delta", ""));
          case "chat.done" -> {
            String full = m.payload().getString("full_text", stream.text());
            if (stream.text().isEmpty()) out.print(full); // an agent that does not stream
            out.println();
            stream.reset();
            pending.complete(new Reply(full, null, null));
          }
          case "chat.error" -> pending.complete(new Reply(null, m.payload().getString("code", "ERROR"),
              m.payload().getString("message", "")));
          default -> { }
        }
      }

      @Override
      public void onRelayError(RelayError e) {
        if (history.skip(e)) return;
        if (e.code().equals("E2E_MISMATCH")) ready.completeExceptionally(new IllegalStateException(e.code() + ": " + e.message()));
        pending.complete(new Reply(null, e.code(), e.message()));
      }

      @Override
      public void onDisconnected(int code, String reason, boolean retrying) {
        if (code == -1) cannotConnect = reason; // never reached the relay: say so, not "no agent"
        if (code == -1 && !retrying) { // its certificate was refused: the client gave up
          String error = relay.refusedCertificate(reason);
          fatal = error;
          ready.completeExceptionally(new IllegalStateException(error));
        }
      }

      @Override
      public void onAuthFailed(String code, String msg) {
        ready.completeExceptionally(new IllegalStateException(code + ": " + msg));
        pending.complete(new Reply(null, code, msg));
      }
    };
    try (RelayClient phone = RelayClient.start(relay.client(client.token, Role.PHONE)
        .withE2e(e2e).withReliable(!client.noResume), listener)) {
      if (message != null) return once(phone, out);
      return interactive(phone);
    }
  }

  private int once(RelayClient phone, PrintStream out) throws Exception {
    try {
      ready.get(timeoutSeconds, TimeUnit.SECONDS);
      phone.sendChat(message).toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
      Reply r = pending.get(timeoutSeconds, TimeUnit.SECONDS);
      if (r.errorCode() != null) {
        System.err.println("error: " + r.errorCode() + ": " + r.errorMessage());
        return 1;
      }
      return 0;
    } catch (TimeoutException e) {
      if (!ready.isDone() && cannotConnect != null) System.err.println("error: UNREACHABLE: " + cannotConnect);
      else System.err.println("error: TIMEOUT: no " + (ready.isDone() ? "reply" : "agent") + " within " + timeoutSeconds + " s");
      return 1;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("error: " + e.getCause().getMessage());
      return 1;
    }
  }

  private int interactive(RelayClient phone) throws Exception {
    try { // a refused token or certificate is said at once, before any typing
      phone.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("error: " + (fatal != null ? fatal : e.getCause().getMessage()));
      return 1;
    } catch (TimeoutException e) {
      // not connected yet (the relay is unreachable or slow): the client keeps trying; sends wait
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      CompletableFuture<Reply> reply = new CompletableFuture<>();
      pending = reply;
      // Not waited on: with reliable delivery it completes on the relay's ack, which may come after a reconnect.
      phone.sendChat(line).onFailure(e -> reply.complete(new Reply(null, "NOT_SENT", e.getMessage())));
      try {
        Reply r = reply.get(5, TimeUnit.MINUTES);
        if (r.errorCode() != null) System.err.println("error: " + r.errorCode() + ": " + r.errorMessage());
      } catch (TimeoutException e) {
        System.err.println("no reply within 5 minutes");
      }
    }
    return 0;
  }
}
