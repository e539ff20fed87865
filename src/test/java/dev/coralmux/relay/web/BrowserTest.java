package dev.coralmux.relay.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.client.ClientOptions;
import dev.coralmux.relay.client.E2eCrypto;
import dev.coralmux.relay.client.RelayClient;
import dev.coralmux.relay.client.RelayListener;
import dev.coralmux.relay.client.RelayMessage;
import dev.coralmux.relay.protocol.Role;
import dev.coralmux.relay.support.Envelopes;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;

/** The dashboard and the chat page in real headless Chromium (Debian's chromium + chromium-driver). */
class BrowserTest {
  static WebDriver driver;

  @BeforeAll
  static void browser() throws Exception {
    driver = Chromium.start();
  }

  @AfterAll
  static void quit() {
    if (driver != null) driver.quit();
  }

  /** The page re-renders its figures every second, so an element found a moment ago may be replaced: retry. */
  static FluentWait<WebDriver> waitUpTo(int seconds) {
    return Chromium.waitUpTo(driver, seconds);
  }

  static void screenshot(String name) throws Exception {
    Chromium.screenshot(driver, name);
  }

  static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  @Test
  void dashboardShowsLiveFiguresAndRevokesATokenFromThePage() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken(new JsonObject().put("label", "browser-test"));
      String id = new JsonObject(relay.http("GET", "/api/v1/pair", null, TestRelay.ADMIN_KEY).body())
          .getJsonArray("tokens").getJsonObject(0).getString("id");
      driver.get(relay.httpUrl() + "/");
      waitUpTo(20).until(ExpectedConditions.urlContains("/dashboard"));
      driver.findElement(By.id("admin-key")).sendKeys("wrong key");
      driver.findElement(By.id("login")).click();
      waitUpTo(20).until(d -> text("login-error").contains("wrong admin key"));
      driver.findElement(By.id("admin-key")).sendKeys(TestRelay.ADMIN_KEY);
      driver.findElement(By.id("login")).click();
      waitUpTo(20).until(d -> d.findElement(By.id("live")).isDisplayed() && text("phones").equals("0"));
      assertEquals("", driver.findElement(By.id("admin-key")).getAttribute("value"), "the key is not kept in the page");

      WsClient phone = WsClient.auth(relay.wsUrl(), token, "phone");
      WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
      phone.expect("status");
      // Traffic until the page shows it (figures update once a second without reloading).
      waitUpTo(30).pollingEvery(Duration.ofMillis(100)).until(d -> {
        phone.send(Envelopes.chat("tick"));
        agent.nextRaw();
        return text("phones").equals("1") && text("agents").equals("1") && !text("mps").equals("0")
            && d.findElements(By.cssSelector("tr[data-token='" + id + "'] td.online")).stream()
                .anyMatch(td -> td.getText().contains("phone + agent"));
      });
      waitUpTo(20).until(d -> !text("log").contains("Waiting for events"));
      screenshot("dashboard.png");

      waitUpTo(20).until(d -> {
        d.findElement(By.cssSelector("button.revoke[data-id='" + id + "']")).click();
        return true;
      });
      waitUpTo(20).until(ExpectedConditions.alertIsPresent()).accept();
      assertEquals(4401, phone.awaitClose());
      assertEquals(4401, agent.awaitClose());
      waitUpTo(20).until(d -> text("phones").equals("0") && text("agents").equals("0"));
      assertTrue(text("action-error").isEmpty(), text("action-error"));

      driver.manage().window().setSize(new Dimension(390, 844)); // a phone-sized window
      waitUpTo(20).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
          "return document.documentElement.scrollWidth <= window.innerWidth + 1"));
      screenshot("dashboard-phone.png");
      driver.manage().window().setSize(new Dimension(1280, 900));

      // The session never went into a URL (the streams use the HttpOnly cookie); logging out ends it.
      assertEquals(0L, ((JavascriptExecutor) driver).executeScript("return performance.getEntriesByType('resource')"
          + ".filter(e => e.name.includes('session=')).length"));
      assertEquals("", ((JavascriptExecutor) driver).executeScript("return document.cookie"), "HttpOnly: not readable by scripts");
      driver.findElement(By.id("logout")).click();
      waitUpTo(20).until(d -> d.findElement(By.id("login-form")).isDisplayed() && text("login-error").contains("Logged out"));
    }
  }

  @Test
  void chatPagePairsByInviteCodeAndTalksEndToEndEncrypted() throws Exception {
    List<String> relayLog = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        relayLog.add(String.valueOf(r.getMessage()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(capture);
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      List<RelayMessage> seenByAgent = new CopyOnWriteArrayList<>();
      RelayClient[] agent = new RelayClient[1];
      agent[0] = RelayClient.start(ClientOptions.of(relay.httpUrl(), token, Role.AGENT), new RelayListener() {
        @Override
        public void onMessage(RelayMessage m) {
          if (!m.type().equals("chat.send")) return;
          seenByAgent.add(m);
          String text = m.payload().getString("text");
          agent[0].sendStream(text.substring(0, 5), 1);
          agent[0].sendStream(text.substring(5), 2);
          agent[0].sendDone("echo: " + text);
        }
      });
      try {
        agent[0].connected().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        String code = new JsonObject(relay.http("POST", "/api/v1/invite", new JsonObject().put("token", token).encode(), null)
            .body()).getString("code");
        driver.get(relay.httpUrl() + "/chat");
        driver.findElement(By.id("pair-input")).sendKeys(code);
        driver.findElement(By.id("pair")).click();
        waitUpTo(30).until(d -> text("e2e").equals("end-to-end encrypted"));
        String secret = "hello from the browser " + System.nanoTime();
        driver.findElement(By.id("message")).sendKeys(secret);
        driver.findElement(By.id("send")).click();
        waitUpTo(30).until(d -> d.findElements(By.cssSelector(".msg.agent[data-done='true']")).stream()
            .anyMatch(e -> e.getText().equals("echo: " + secret)));
        screenshot("chat.png");
        assertEquals(1, seenByAgent.size());
        assertTrue(seenByAgent.get(0).encrypted(), "the browser encrypted its message");
        assertEquals(secret, seenByAgent.get(0).payload().getString("text"));
        // What crossed the relay was ciphertext: neither it nor the plaintext nor the token is in its log.
        assertFalse(relayLog.stream().anyMatch(l -> l.contains("hello from the browser")), "the relay logged plaintext");
        assertFalse(relayLog.stream().anyMatch(l -> l.contains("ciphertext")), "the relay logged an encrypted frame");
        assertFalse(relayLog.stream().anyMatch(l -> l.contains(token)), "the relay logged the token");
        assertTrue(relayLog.stream().anyMatch(l -> l.contains("connected for token " + token.substring(0, 4))
            || l.contains("connected for token")), "the capture saw the relay's connection log lines");
        assertFalse(driver.getPageSource().contains(token), "the page does not show the token");
      } finally {
        agent[0].close();
      }
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
  }

  /**
   * Item 7 (E2E downgrade): the "agent" is a raw socket that agrees a real key with the page (X25519,
   * HKDF, AES-GCM via the SDK's E2eCrypto), then sends plaintext. The page shows none of it as a reply
   * and warns instead; a sealed reply still shows.
   */
  @Test
  void chatPageRefusesPlaintextFromTheAgentOnceEncrypted() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent");
      driver.get(relay.httpUrl() + "/chat");
      driver.findElement(By.id("pair-input")).sendKeys(token);
      driver.findElement(By.id("pair")).click();
      String pageKey = nextOfType(agent, "key_exchange").getJsonObject("payload").getString("pubkey");
      E2eCrypto.KeyPair mine = E2eCrypto.KeyPair.generate();
      E2eCrypto.Session session = E2eCrypto.Session.derive(mine, pageKey);
      agent.send(Envelopes.of("key_exchange", new JsonObject().put("pubkey", mine.publicKeyBase64())));
      waitUpTo(30).until(d -> text("e2e").equals("end-to-end encrypted"));

      agent.send(Envelopes.of("chat.done", session.encrypt(new JsonObject().put("full_text", "sealed reply").encode())));
      waitUpTo(30).until(d -> d.findElements(By.cssSelector(".msg.agent[data-done='true']")).stream()
          .anyMatch(e -> e.getText().equals("sealed reply")));

      agent.send(Envelopes.of("chat.done", new JsonObject().put("full_text", "INJECTED reply")));
      waitUpTo(30).until(d -> warnings().size() == 1);
      agent.send(Envelopes.of("chat.error", new JsonObject().put("code", "BACKEND_ERROR").put("message", "INJECTED error")));
      waitUpTo(30).until(d -> warnings().size() == 2);
      screenshot("chat-plaintext-refused.png");
      assertTrue(warnings().get(0).getText().contains("the agent sent an unencrypted message; it was not shown"),
          warnings().get(0).getText());
      assertEquals("chat.error", warnings().get(1).getAttribute("data-refused"));
      assertFalse(text("messages").contains("INJECTED"), "plaintext from the peer was shown: " + text("messages"));
      assertEquals(1, driver.findElements(By.cssSelector(".msg.agent")).size(), "only the sealed reply is a reply");
      assertEquals("end-to-end encrypted", text("e2e"));
      agent.close();
    }
  }

  @Test
  void chatPageSaysPlainlyWhenTheAgentDoesNotEncrypt() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      WsClient agent = WsClient.auth(relay.wsUrl(), token, "agent"); // a v1 agent without E2E
      driver.get(relay.httpUrl() + "/chat");
      driver.findElement(By.id("pair-input")).sendKeys(token);
      driver.findElement(By.id("pair")).click();
      nextOfType(agent, "key_exchange"); // the page offers its key; this agent never answers
      waitUpTo(30).until(d -> warnings().size() == 1);
      screenshot("chat-agent-does-not-encrypt.png");
      assertTrue(warnings().get(0).getText().contains("does not encrypt"), warnings().get(0).getText());
      assertEquals("agent does not encrypt", text("e2e"));
      assertFalse(driver.findElement(By.id("send")).isEnabled(), "nothing is sent in plaintext");
      agent.close();
    }
  }

  private static List<org.openqa.selenium.WebElement> warnings() {
    return driver.findElements(By.cssSelector(".msg.warning"));
  }

  private static JsonObject nextOfType(WsClient c, String type) {
    for (int i = 0; i < 10; i++) {
      JsonObject m = c.next();
      if (type.equals(m.getString("type"))) return m;
    }
    throw new AssertionError("no " + type + " among the next 10 messages");
  }
}
