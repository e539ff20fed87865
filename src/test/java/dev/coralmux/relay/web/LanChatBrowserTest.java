package dev.coralmux.relay.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.TlsTrust;
import dev.coralmux.relay.support.TestRelay;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * /chat opened as a phone on the LAN would: from a non-loopback address (Chromium treats every
 * 127.x address and localhost as a secure context), over plain http — where the page must say why
 * it cannot encrypt and how out — and over {@code tls.mode "self-signed"}, where it pairs. Without a
 * non-loopback address on this machine, a name that is not localhost is mapped to 127.0.0.1 with
 * Chromium's {@code --host-resolver-rules}: a context just as insecure.
 */
class LanChatBrowserTest {
  static final String MAPPED = "relay.test";
  static WebDriver driver;
  static String lanHost;

  @BeforeAll
  static void browser() throws Exception {
    List<InetAddress> lan = TlsTrust.lanAddresses();
    lanHost = lan.isEmpty() ? MAPPED : lan.get(0).getHostAddress();
    // Accepting the self-signed certificate once, as the phone's user does, is --ignore-certificate-errors here.
    driver = Chromium.start("--host-resolver-rules=MAP " + MAPPED + " 127.0.0.1", "--ignore-certificate-errors");
  }

  @AfterAll
  static void quit() {
    if (driver != null) driver.quit();
  }

  static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  @Test
  void overPlainHttpFromTheLanThePageExplainsWhyItCannotEncryptAndHowOut() throws Exception {
    try (TestRelay relay = TestRelay.start(new JsonObject().put("host", "0.0.0.0"))) {
      String token = relay.createToken();
      driver.get("http://" + lanHost + ":" + relay.port() + "/chat#token=" + token);
      Chromium.waitUpTo(driver, 20).until(d -> d.findElement(By.id("insecure")).isDisplayed());
      Chromium.screenshot(driver, "chat-insecure-context.png");
      assertEquals(false, ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return window.isSecureContext"));
      String message = text("insecure").replaceAll("\\s+", " ");
      assertTrue(message.contains("only on https:// pages or on localhost"), message);
      assertTrue(message.contains("tls.mode: \"self-signed\"") && message.contains("https://" + lanHost + ":" + relay.port() + "/chat"),
          message);
      assertTrue(message.contains("public_url"), message);
      assertEquals("cannot encrypt on plain http", text("status"));
      assertFalse(driver.findElement(By.id("pair")).isEnabled(), "no pair button that could only hang");

      driver.get("http://127.0.0.1:" + relay.port() + "/chat"); // on the relay's own machine: a secure context
      Chromium.waitUpTo(driver, 20).until(d -> d.findElement(By.id("pair")).isEnabled());
      assertFalse(driver.findElement(By.id("insecure")).isDisplayed());
    }
  }

  @Test
  void inSelfSignedModeThePageFromTheLanIsSecureAndPairs() throws Exception {
    JsonObject conf = new JsonObject().put("host", "0.0.0.0").put("tls", new JsonObject().put("mode", "self-signed")
        .put("self_signed_names", new JsonArray().add(MAPPED)));
    try (TestRelay relay = TestRelay.start(conf)) {
      String base = "https://" + lanHost + ":" + relay.port();
      HttpClient client = HttpClient.newBuilder()
          .sslContext(TlsTrust.only(relay.dataDir().resolve("self-signed/cert.pem"))).build();
      String token = relay.createTokenOver(client, base);
      driver.get(base + "/chat#token=" + token);
      Chromium.waitUpTo(driver, 20).until(d -> d.findElement(By.id("pair")).isEnabled());
      assertFalse(driver.findElement(By.id("insecure")).isDisplayed());
      driver.findElement(By.id("pair")).click();
      Chromium.waitUpTo(driver, 30).until(d -> text("status").equals("waiting for the agent"));

      CompletableFuture<String> ok = new CompletableFuture<>();
      WebSocket agent = client.newWebSocketBuilder().buildAsync(URI.create("wss://" + lanHost + ":" + relay.port() + "/ws"),
          new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              ok.complete(data.toString());
              w.request(1);
              return null;
            }
          }).get(20, TimeUnit.SECONDS);
      agent.sendText(new JsonObject().put("type", "auth").put("payload", new JsonObject().put("token", token)
          .put("role", "agent")).encode(), true);
      assertEquals("auth.ok", new JsonObject(ok.get(20, TimeUnit.SECONDS)).getString("type"));
      Chromium.waitUpTo(driver, 30).until(d -> text("status").equals("agent online"));
      Chromium.screenshot(driver, "chat-self-signed-lan.png");
      agent.abort();
    }
  }
}
