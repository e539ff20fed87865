package dev.coralmux.relay.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.support.Blackhole;
import dev.coralmux.relay.support.TestRelay;
import dev.coralmux.relay.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * /chat with reliable delivery, in real headless Chromium against a real relay and an agent that
 * keeps its key pair ({@link ResumingAgent}): the page's network drops (a {@link Blackhole} in front
 * of the relay, through which the page itself is loaded, so its WebSocket goes through it too), the
 * page reconnects on its own and resumes; its messages show stored / delivered ticks.
 */
class ChatResumeBrowserTest {
  static WebDriver driver;

  @BeforeAll
  static void browser() throws Exception {
    driver = Chromium.start();
  }

  @AfterAll
  static void quit() {
    if (driver != null) driver.quit();
  }

  @Test
  void pageDroppedByItsNetworkReconnectsAndShowsEveryAgentMessageOnceInOrder() throws Exception {
    try (TestRelay relay = TestRelay.start(); Blackhole net = new Blackhole(relay.port())) {
      String token = relay.createToken();
      try (ResumingAgent agent = ResumingAgent.connect(relay.wsUrl(), token)) {
        pair("http://127.0.0.1:" + net.port(), token);
        waitUpTo(30).until(d -> agent.pageOnline && agent.agreed());
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 3; i++) sendReply(agent, i, expected);
        waitUpTo(30).until(d -> agentTexts().size() == 3);

        net.cut(); // the network goes silently: what is written now is lost on the way, both ways
        List<String> lost = new ArrayList<>();
        for (int i = 4; i <= 6; i++) lost.add(sendReply(agent, i, expected));
        waitUpTo(30).until(d -> lost.stream().allMatch(id -> "delivered".equals(agent.acks.get(id)))); // into the dead socket
        type("typed into the dead network");
        waitUpTo(30).until(d -> "pending".equals(mine("typed into the dead network").get("state")));

        net.down(); // and the page notices: its socket dies, and reconnecting fails until the network is back
        waitUpTo(30).until(d -> text("status").contains("reconnecting") && !agent.pageOnline);
        type("typed while disconnected");
        assertEquals("waiting", mine("typed while disconnected").get("state"));
        List<String> stored = new ArrayList<>();
        for (int i = 7; i <= 9; i++) stored.add(sendReply(agent, i, expected));
        waitUpTo(30).until(d -> stored.stream().allMatch(id -> "stored".equals(agent.acks.get(id))));

        net.up(); // the page reconnects on its own (back-off), resumes after reply 3, resends what has no ack
        waitUpTo(60).until(d -> agent.pageOnline);
        for (int i = 10; i <= 12; i++) sendReply(agent, i, expected); // live again
        waitUpTo(60).until(d -> agentTexts().size() >= 12 && "delivered".equals(mine("typed while disconnected").get("state")));
        Chromium.screenshot(driver, "chat-resumed.png");

        assertEquals(expected, agentTexts(), "every agent message once, in order");
        assertEquals("delivered", mine("typed into the dead network").get("state"));
        assertEquals("✓✓ delivered", mine("typed into the dead network").get("tick"));
        assertEquals(List.of(
                new JsonObject().put("id", mine("typed into the dead network").get("id")).put("text", "typed into the dead network"),
                new JsonObject().put("id", mine("typed while disconnected").get("id")).put("text", "typed while disconnected")),
            agent.fromPage, "the agent got each of the page's messages once, with its original id");
        assertEquals(1, agent.pageKeys.stream().distinct().count(), "one key pair for the page's life: " + agent.pageKeys);
        assertTrue(agent.pageKeys.size() >= 2, "key_exchange sent again on reconnect");
        assertTrue(driver.findElements(By.cssSelector(".msg.warning, .msg.note")).isEmpty(), text("messages"));
        assertTrue(agent.errors.isEmpty(), agent.errors::toString);
      }
    }
  }

  @Test
  void aMessageTypedWhileTheAgentIsOfflineIsStoredThenDeliveredAndATakeoverStopsThePage() throws Exception {
    try (TestRelay relay = TestRelay.start()) {
      String token = relay.createToken();
      try (ResumingAgent agent = ResumingAgent.connect(relay.wsUrl(), token)) {
        pair(relay.httpUrl(), token);
        agent.disconnect();
        waitUpTo(30).until(d -> text("status").equals("agent offline"));
        assertEquals("end-to-end encrypted", text("e2e"), "sealed with the last agreed key");
        type("while you were away");
        waitUpTo(30).until(d -> "stored".equals(mine("while you were away").get("state")));
        assertEquals("✓ stored", mine("while you were away").get("tick"));
        Chromium.screenshot(driver, "chat-stored.png");

        agent.reconnect(); // same key pair: what was stored for it opens
        waitUpTo(30).until(d -> "delivered".equals(mine("while you were away").get("state")));
        assertEquals("✓✓ delivered", mine("while you were away").get("tick"));
        assertEquals(List.of(new JsonObject().put("id", mine("while you were away").get("id"))
            .put("text", "while you were away")), agent.fromPage);

        // Another phone (another tab) takes over: this page stops and says so instead of fighting back.
        try (WsClient other = WsClient.auth(relay.wsUrl(), token, "phone")) {
          waitUpTo(30).until(d -> text("error").contains("took over"));
          assertEquals("disconnected (4409)", text("status"));
        }
        assertTrue(agent.errors.isEmpty(), agent.errors::toString);
      }
    }
  }

  @Test
  void aResumeThatLostMessagesSaysSo() throws Exception {
    JsonObject conf = new JsonObject().put("history", new JsonObject().put("max_messages", 2));
    try (TestRelay relay = TestRelay.start(conf); Blackhole net = new Blackhole(relay.port())) {
      String token = relay.createToken();
      try (ResumingAgent agent = ResumingAgent.connect(relay.wsUrl(), token)) {
        pair("http://127.0.0.1:" + net.port(), token);
        waitUpTo(30).until(d -> agent.pageOnline && agent.agreed());
        agent.sendDone("first");
        waitUpTo(30).until(d -> agentTexts().equals(List.of("first")));

        net.down();
        waitUpTo(30).until(d -> !agent.pageOnline);
        List<String> ids = new ArrayList<>();
        for (String t : List.of("trimmed 1", "trimmed 2", "kept 1", "kept 2")) ids.add(agent.sendDone(t));
        waitUpTo(30).until(d -> ids.stream().allMatch(id -> "stored".equals(agent.acks.get(id))));

        net.up(); // only the last two are still held: the page says some are gone
        waitUpTo(60).until(d -> agentTexts().size() == 3);
        assertEquals(List.of("first", "kept 1", "kept 2"), agentTexts());
        String note = driver.findElement(By.cssSelector(".msg.note[data-resume='incomplete']")).getText();
        assertTrue(note.contains("Some earlier messages are no longer available"), note);
        Chromium.screenshot(driver, "chat-incomplete.png");
        assertEquals(2, relay.undelivered("history_trimmed"));
      }
    }
  }

  private static void pair(String base, String token) {
    driver.get(base + "/chat");
    driver.findElement(By.id("pair-input")).sendKeys(token);
    driver.findElement(By.id("pair")).click();
    waitUpTo(30).withMessage(() -> "status: " + text("status") + ", error: " + text("error") + ", messages: "
        + text("messages")).until(d -> text("e2e").equals("end-to-end encrypted"));
  }

  /** Sends "reply n", adds its text to {@code expected}; returns its id. */
  private static String sendReply(ResumingAgent agent, int n, List<String> expected) {
    expected.add("reply " + n);
    return agent.sendDone("reply " + n);
  }

  private static void type(String text) {
    driver.findElement(By.id("message")).sendKeys(text);
    driver.findElement(By.id("send")).click();
  }

  @SuppressWarnings("unchecked")
  private static List<String> agentTexts() {
    return (List<String>) js("return [...document.querySelectorAll('.msg.agent')].map(e => e.textContent)");
  }

  /** The page's own bubble with this text: its state, tick and message id. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> mine(String text) {
    Object m = js("const e = [...document.querySelectorAll('.msg.me')].find(e => e.firstChild.textContent === arguments[0]);"
        + "return e ? {state: e.dataset.state, id: e.dataset.id, tick: e.querySelector('.tick').textContent} : {};", text);
    return (Map<String, Object>) m;
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private static FluentWait<WebDriver> waitUpTo(int seconds) {
    return Chromium.waitUpTo(driver, seconds);
  }
}
