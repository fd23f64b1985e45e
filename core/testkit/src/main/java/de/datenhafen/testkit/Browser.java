package de.datenhafen.testkit;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for a test class (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium), one browser for all the class's tests. After each test it saves a screenshot to
 * {@code target/screenshots/<class>/<test>.png}; {@link #assertAccessible()} runs axe-core on the page and fails on
 * serious or critical violations, listing each with the elements it found.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Browser browser = Browser.chromium();
 *
 * @Test
 * void showsTheSignInPage() {
 *     browser.size(360, 800).open(hub.client().baseUri().resolve("/console/"));
 *     assertThat(browser.driver().getTitle()).contains("Anmelden");
 *     browser.assertAccessible();
 * }
 * }</pre>
 *
 * <p>The browser and its driver are found on the {@code PATH} ({@code chromium}, {@code chromedriver}) or named by
 * the environment variables {@code CHROMIUM} and {@code CHROMEDRIVER}. If they are missing, the class's tests are
 * skipped with a message saying what to install, except under {@code CI=true}, where they fail: CI must run them.
 * The browser's own network activity (updates, sync, QUIC) is off; each class gets a fresh profile.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {

    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--disable-dev-shm-usage");
    private static final Set<String> FAILING_IMPACTS = Set.of("serious", "critical");

    private final String acceptLanguage;
    private Path profile;
    private ChromeDriverService service;
    private ChromeDriver driver;

    private Browser(String acceptLanguage) {
        this.acceptLanguage = acceptLanguage;
    }

    /** A browser whose preferred language is German (as the association's users). */
    public static Browser chromium() {
        return new Browser("de-DE,de");
    }

    /** A browser that sends this {@code Accept-Language}, e.g. {@code "en-GB,en"}. */
    public static Browser chromium(String acceptLanguage) {
        return new Browser(acceptLanguage);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Optional<Path> chromium = executable("CHROMIUM", "chromium", "chromium-browser");
        Optional<Path> chromedriver = executable("CHROMEDRIVER", "chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String missing = "browser tests need Chromium and its driver (Debian: apt-get install chromium "
                + "chromium-driver), found " + chromium.map(Path::toString).orElse("no chromium") + " and "
                + chromedriver.map(Path::toString).orElse("no chromedriver");
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(missing + "; under CI=true they must run, not be skipped");
            }
            Assumptions.assumeTrue(false, missing);
        }
        profile = Files.createTempDirectory("datenhafen-chromium-");
        service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile())
            .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile, "--window-size=1280,900", "--lang=" + acceptLanguage
            .split(",")[0]);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguage));
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (driver != null) {
            screenshot(context.getRequiredTestClass().getSimpleName(),
                context.getRequiredTestMethod().getName() + (context.getExecutionException().isPresent()
                    ? "-FAILED" : ""));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            deleteTree(profile);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Browser.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return this;
    }

    /** The Selenium driver, for what this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    /** Resizes the window, e.g. {@code size(360, 800)} for a phone, {@code size(1280, 900)} for a desktop. */
    public Browser size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        return this;
    }

    /** Loads a page and waits until it has loaded. */
    public Browser open(java.net.URI uri) {
        driver.get(uri.toString());
        return this;
    }

    /**
     * Waits (10 s at most) until {@code condition} gives a non-null, non-false value, and returns it; an element
     * missing or replaced while the condition read it (a live part re-rendered, a page reloading) counts as not yet,
     * and the time-out names the last such error.
     */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10))
            .ignoring(org.openqa.selenium.WebDriverException.class).until(condition::apply);
    }

    /**
     * Clicks what {@code button} finds (a form's button the server answers with a new page) and waits until this page
     * has gone: what a test looks for afterwards is the answer's, not an element of the page it left (which could
     * still be found, and then be stale, while the answer was loading).
     */
    public void submit(By button) {
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(button).click();
        await(d -> ExpectedConditions.stalenessOf(page).apply(d) ? true : null);
    }

    /** Runs JavaScript in the page (as the test, not the page: the page's CSP does not apply). */
    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Runs {@code action} with every {@code setInterval} of the pages it opens {@code factor} times as fast: a part
     * that refreshes itself every 30 s does so every 3 s at 10, so a test sees it happen without waiting half a
     * minute. The pages' own scripts are not touched; a script added by the browser's DevTools before each page's
     * first script divides the interval, and is removed afterwards (pages opened later run at their own pace).
     */
    public void withIntervalsFaster(int factor, Runnable action) {
        if (factor < 1) {
            throw new IllegalArgumentException("the factor must be at least 1, was " + factor);
        }
        Object added = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
            "{ const own = window.setInterval; window.setInterval = (f, ms, ...args) => own(f, (ms || 0) / "
                + factor + ", ...args); }")).get("identifier");
        try {
            action.run();
        } finally {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", added));
        }
    }

    /** Forgets the cookies of the current site (e.g. to be signed out between tests). */
    public Browser clearCookies() {
        driver.manage().deleteAllCookies();
        return this;
    }

    /** Saves the page as it looks now to {@code target/screenshots/<folder>/<name>.png}. */
    public Path screenshot(String folder, String name) {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "screenshots", folder);
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            return null; // a page that is gone (the browser crashed): the test's own failure says more
        }
    }

    /**
     * Runs axe-core on the current page and fails, listing every serious or critical violation with its rule, its
     * help text and the elements it found; minor and moderate ones are returned for the caller to look at.
     */
    public List<Rule> assertAccessible() {
        // legacy mode: the default opens about:blank in a new window with a page-load limit of about a second to test
        // cross-origin frames, which a busy machine's renderer missed ("Timed out receiving message from renderer");
        // the hub's pages have no frames (the CSP forbids them), so nothing is lost
        Results results = new AxeBuilder().setLegacyMode().analyze(driver);
        if (results.isErrored()) {
            throw new AssertionError("axe-core could not check " + driver.getCurrentUrl() + ": "
                + results.getErrorMessage());
        }
        List<String> failures = new ArrayList<>();
        List<Rule> others = new ArrayList<>();
        for (Rule rule : results.getViolations()) {
            if (!FAILING_IMPACTS.contains(rule.getImpact())) {
                others.add(rule);
                continue;
            }
            StringBuilder s = new StringBuilder().append(rule.getImpact()).append(' ').append(rule.getId())
                .append(": ").append(rule.getHelp());
            for (CheckedNode node : rule.getNodes()) {
                s.append("\n    at ").append(node.getTarget()).append(": ").append(node.getHtml());
            }
            failures.add(s.toString());
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("axe-core found " + failures.size() + " serious or critical violation(s) on "
                + driver.getCurrentUrl() + ":\n  " + String.join("\n  ", failures));
        }
        return others;
    }

    private static Optional<Path> executable(String variable, String... names) {
        String named = System.getenv(variable);
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is no test failure
        }
    }
}
