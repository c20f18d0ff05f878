package dev.recur.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recur.model.Generator;
import dev.recur.model.SentenceScorer;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground page in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) driven by Selenium loads the page, streams a generation and colours a scored text.
 * Without the browser the test is skipped, unless {@code RECUR_REQUIRE_BROWSER} is set (CI sets it).
 */
class PlaygroundBrowserTest {

    static final long SEED = 37L;
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File DRIVER = new File("/usr/bin/chromedriver");

    static ModelService service;
    static RecurServer server;
    static int port;
    static WebDriver browser;

    @BeforeAll
    static void start() {
        boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
        if (!present && System.getenv("RECUR_REQUIRE_BROWSER") != null) {
            throw new IllegalStateException("the page test needs " + CHROMIUM + " and " + DRIVER
                    + " (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "no Chromium here (apt-get install chromium chromium-driver): the page test is skipped");
        service = ServerFixture.service(SEED);
        server = new RecurServer(service, ServeOptions.defaults(0));
        port = server.start();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,900");
        ChromeDriverService ds = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
                .usingAnyFreePort().build();
        browser = new ChromeDriver(ds, o);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @Test
    void thePageStreamsAGenerationAndColoursAScoredText() {
        browser.get("http://127.0.0.1:" + port + "/");
        waiting().until(d -> d.findElement(By.id("model")).getText().contains("tiny.recur"));
        assertTrue(browser.findElement(By.id("model")).getText().contains("elman"));

        // generate: greedy is deterministic whatever the seed; temperature with a seed is too
        WebElement prompt = browser.findElement(By.id("prompt"));
        prompt.clear();
        prompt.sendKeys("the cat");
        new Select(browser.findElement(By.id("sampler"))).selectByValue("temperature");
        WebElement temp = browser.findElement(By.id("temperature"));
        temp.clear();
        temp.sendKeys("0.8");
        WebElement tokens = browser.findElement(By.id("maxTokens"));
        tokens.clear();
        tokens.sendKeys("30");
        WebElement seed = browser.findElement(By.id("seed"));
        seed.clear();
        seed.sendKeys("42");
        browser.findElement(By.id("generate")).click();
        waiting().until(d -> d.findElement(By.id("status")).getText().startsWith("done"));
        SplittableRandom r = new SplittableRandom(42).split();
        StringBuilder want = new StringBuilder();
        new Generator(service.model()).generate("the cat", 30, service.sampler("temperature", 0.8, null, null), r,
                false, want::append);
        String shown = (String) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return document.getElementById('output').textContent;");
        assertEquals(want.toString(), shown);
        assertTrue(browser.findElement(By.id("status")).getText().contains("30 pieces"),
                browser.findElement(By.id("status")).getText());

        // score: one coloured span per token, its probability in the title
        WebElement text = browser.findElement(By.id("scoreText"));
        text.sendKeys("the cat sat on the mat");
        browser.findElement(By.id("score")).click();
        waiting().until(d -> d.findElement(By.id("scoreStatus")).getText().startsWith("perplexity"));
        List<WebElement> spans = browser.findElements(By.cssSelector("#scored span.tok"));
        SentenceScorer.Score s = service.score(List.of("the cat sat on the mat")).get(0);
        assertEquals(s.tokens(), spans.size());
        for (int i = 0; i < spans.size(); i++) {
            double p = Double.parseDouble(spans.get(i).getAttribute("data-p"));
            assertEquals(Math.exp(s.logProbs()[i]), p, 1e-6 * Math.max(1e-3, p), "token " + i);
            String bg = spans.get(i).getCssValue("background-color");
            assertFalse(bg.isEmpty() || bg.equals("rgba(0, 0, 0, 0)"), "token " + i + " is coloured: " + bg);
        }
        assertEquals(String.format(java.util.Locale.ROOT, "perplexity %.2f over %d tokens", s.perplexity(),
                s.tokens()), browser.findElement(By.id("scoreStatus")).getText());
    }
}
