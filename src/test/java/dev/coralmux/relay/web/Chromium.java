package dev.coralmux.relay.web;

import dev.coralmux.relay.support.ExternalTools;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Real headless Chromium (Debian's chromium + chromium-driver) for the browser tests. */
final class Chromium {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Chromium() {}

  static WebDriver start() throws IOException {
    return start(new String[0]);
  }

  /** @param extraArgs more command-line flags (host resolver rules, certificate handling) */
  static WebDriver start(String... extraArgs) throws IOException {
    String chromium = ExternalTools.require("chromium", "the browser tests");
    String chromedriver = ExternalTools.require("chromedriver", "the browser tests");
    ChromeOptions o = new ChromeOptions().setBinary(chromium).addArguments("--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,900",
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile")).addArguments(extraArgs);
    Files.createDirectories(SCREENSHOTS);
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
        .usingAnyFreePort().build(), o);
  }

  /** Pages re-render: an element found a moment ago may be replaced, so retry. */
  static FluentWait<WebDriver> waitUpTo(WebDriver driver, int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds)).ignoring(StaleElementReferenceException.class);
  }

  static void screenshot(WebDriver driver, String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }
}
