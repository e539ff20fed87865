package dev.coralmux.relay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Tokens (as hashes only) and usage survive a restart; nothing secret or private is written. */
class PersistenceTest {

  @Test
  void tokensAndUsageSurviveARestartAndOnlyHashesAreStored() throws Exception {
    String token;
    String secretText = "a private sentence " + System.nanoTime();
    long used;
    Path dataDir;
    try (TestRelay relay = TestRelay.start()) {
      dataDir = relay.dataDir();
      token = relay.createToken(new JsonObject().put("label", "survivor"));
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
           WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        phone.expect("status");
        String m = Envelopes.chat(secretText);
        phone.send(m);
        agent.nextRaw();
        used = m.length();
      }
    }
    // Nothing in the data directory holds the token; nothing but the history holds a payload (it
    // keeps messages for reliable delivery by design: ciphertext when the clients use E2E).
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(content.contains(token), f + " contains the plaintext token");
        assertFalse(content.contains(Tokens.PREFIX), f + " contains a token");
        if (!f.getFileName().toString().equals("history.bin")) {
          assertFalse(content.contains(secretText), f + " contains payload text");
        }
      }
    }
    assertTrue(Files.readString(dataDir.resolve("tokens.json")).contains(Tokens.hash(token)));

    try (TestRelay again = TestRelay.startOn(dataDir, new JsonObject())) {
      try (WsClient phone = WsClient.connect(again.wsUrl())) {
        phone.send(Envelopes.auth(token, "phone"));
        JsonObject ok = phone.expect("auth.ok").getJsonObject("payload");
        assertEquals(used, ok.getLong("daily_used_bytes"));
        assertEquals(used, ok.getLong("monthly_used_bytes"));
      }
    }
  }

  @Test
  void usageIsFlushedPeriodicallyNotOnlyAtShutdown() throws Exception {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("store", new JsonObject().put("flush_interval_ms", 200)))) {
      String token = relay.createToken();
      try (WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
           WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent")) {
        phone.expect("status");
        phone.send(Envelopes.chat("flush me"));
        agent.nextRaw();
      }
      Path usage = relay.dataDir().resolve("usage.json");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
          Files.exists(usage) && Files.readString(usage).contains(Tokens.hash(token)));
    }
  }

  @Test
  void corruptTokenFileStopsStartupWithAClearMessage() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-corrupt");
    Files.writeString(dir.resolve("tokens.json"), "{ not json");
    StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
        () -> TestRelay.startOn(dir, new JsonObject()));
    assertTrue(e.getMessage().contains("tokens.json"), e.getMessage());
  }

  @Test
  void atomicWriteReplacesTheWholeFile() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-atomic");
    Path f = dir.resolve("x.json");
    AtomicFiles.write(f, "first version, longer".getBytes());
    AtomicFiles.write(f, "second".getBytes());
    assertEquals("second", Files.readString(f));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(1, left.count(), "no temporary file is left behind");
    }
  }
}
