package dev.coralmux.relay.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.E2eCrypto;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.RelayProcess;
import dev.coralmux.relay.support.SeparateHost;
import dev.coralmux.relay.support.TlsTrust;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * /chat opened as a phone on the LAN opens it: the packaged relay runs on another host (a network
 * namespace of this test's own, with its own address on a veth pair) and headless Chromium on this
 * one loads the page from that address — not loopback, so not a secure context over plain http.
 * Over http the page must say why it cannot encrypt and how out; in {@code tls.mode "self-signed"}
 * it pairs and chats, end to end encrypted, with an agent on this machine.
 */
class LanChatBrowserIT {
  static final String ADMIN_KEY = "lan-chat-admin-key-0123456789abcdef";
  static SeparateHost lan;
  static WebDriver driver;

  @BeforeAll
  static void start() throws Exception {
    lan = SeparateHost.create("the LAN browser test");
    // Accepting the self-signed certificate once, as the phone's user does, is --ignore-certificate-errors here.
    driver = Chromium.start("--ignore-certificate-errors");
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) driver.quit();
    if (lan != null) lan.close();
  }

  static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  static RelayProcess relay(Path dir, String tlsMode) throws Exception {
    Files.writeString(dir.resolve("relay.json"), new JsonObject().put("tls", new JsonObject().put("mode", tlsMode)).encode());
    return RelayProcess.start(lan, dir, Map.of("RELAY_ADMIN_KEY", ADMIN_KEY, "RELAY_DATA_DIR", dir.resolve("data").toString()),
        "serve", "--config", "relay.json").awaitListening();
  }

  static String createToken(HttpClient client, String base) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/v1/pair")).timeout(Duration.ofSeconds(20))
        .header("X-Admin-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, res.statusCode(), res.body());
    return new JsonObject(res.body()).getString("token");
  }

  @Test
  void overPlainHttpFromTheLanThePageExplainsWhyItCannotEncryptAndHowOut() throws Exception {
    try (RelayProcess relay = relay(Files.createTempDirectory("coralmux-lan"), "off")) {
      String base = "http://" + lan.address() + ":" + relay.port;
      String token = createToken(HttpClient.newHttpClient(), base);
      driver.get(base + "/chat#token=" + token);
      Chromium.waitUpTo(driver, 30).until(d -> d.findElement(By.id("insecure")).isDisplayed());
      Chromium.screenshot(driver, "chat-insecure-context-lan.png");
      assertEquals(false, ((JavascriptExecutor) driver).executeScript("return window.isSecureContext"));
      String message = text("insecure").replaceAll("\\s+", " ");
      assertTrue(message.contains("only on https:// pages or on localhost"), message);
      assertTrue(message.contains("tls.mode: \"self-signed\"") && message.contains("https://" + lan.address() + ":" + relay.port + "/chat"),
          message);
      assertTrue(message.contains("public_url"), message);
      assertEquals("cannot encrypt on plain http", text("status"));
      assertFalse(driver.findElement(By.id("pair")).isEnabled(), "no pair button that could only hang");
    }
  }

  @Test
  void inSelfSignedModeThePageFromTheLanIsSecurePairsAndChatsEndToEndEncrypted() throws Exception {
    Path dir = Files.createTempDirectory("coralmux-lan");
    try (RelayProcess relay = relay(dir, "self-signed")) {
      String base = "https://" + lan.address() + ":" + relay.port;
      // The certificate names the relay's LAN address (found on its own host), so hostname checks pass.
      Path cert = dir.resolve("data/self-signed/cert.pem");
      HttpClient client = HttpClient.newBuilder().sslContext(TlsTrust.only(cert)).build();
      String token = createToken(client, base);
      driver.get(base + "/chat#token=" + token);
      Chromium.waitUpTo(driver, 30).until(d -> d.findElement(By.id("pair")).isEnabled());
      assertEquals(true, ((JavascriptExecutor) driver).executeScript("return window.isSecureContext"));
      assertFalse(driver.findElement(By.id("insecure")).isDisplayed());
      driver.findElement(By.id("pair")).click();
      Chromium.waitUpTo(driver, 30).until(d -> text("status").equals("waiting for the agent"));

      // The agent, on this machine, over wss to the relay's LAN address; it agrees a key with the page.
      try (WsClient agent = WsClient.connect("wss://" + lan.address() + ":" + relay.port + "/ws", client)) {
        agent.send(Envelopes.auth(token, "agent"));
        assertEquals("auth.ok", agent.next().getString("type"));
        String pageKey = nextOfType(agent, "key_exchange").getJsonObject("payload").getString("pubkey");
        E2eCrypto.KeyPair mine = E2eCrypto.KeyPair.generate();
        E2eCrypto.Session session = E2eCrypto.Session.derive(mine, pageKey);
        agent.send(Envelopes.of("key_exchange", new JsonObject().put("pubkey", mine.publicKeyBase64())));
        Chromium.waitUpTo(driver, 30).until(d -> text("e2e").equals("end-to-end encrypted"));
        Chromium.waitUpTo(driver, 30).until(d -> text("status").equals("agent online"));

        String said = "hello over the LAN " + System.nanoTime();
        driver.findElement(By.id("message")).sendKeys(said);
        driver.findElement(By.id("send")).click();
        JsonObject send = nextOfType(agent, "chat.send");
        assertTrue(E2eCrypto.isEncrypted(send.getJsonObject("payload")), "the page encrypted its message");
        assertEquals(said, new JsonObject(session.decrypt(send.getJsonObject("payload"))).getString("text"));
        agent.send(Envelopes.of("chat.done", session.encrypt(new JsonObject().put("full_text", "echo: " + said).encode())));
        Chromium.waitUpTo(driver, 30).until(d -> d.findElements(By.cssSelector(".msg.agent[data-done='true']")).stream()
            .anyMatch(e -> e.getText().equals("echo: " + said)));
        Chromium.screenshot(driver, "chat-self-signed-lan.png");
      }
    }
  }

  static JsonObject nextOfType(WsClient c, String type) {
    while (true) {
      JsonObject m = c.next();
      if (m.getString("type").equals(type)) return m;
    }
  }
}
