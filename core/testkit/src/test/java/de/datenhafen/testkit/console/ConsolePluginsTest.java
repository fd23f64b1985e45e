package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.QuietPlugin;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.PluginArchiveBuilder;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The plugins page: upload by picker and by drag and drop, the hub's refusal shown, enable, disable, delete. */
class ConsolePluginsTest {

    private static final Path ARCHIVES = People.temp("plugins");

    @RegisterExtension
    static final HubExtension hub = People.hub().build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void people() {
        People.create(hub.client());
    }

    private static void openPlugins(String user, String password) {
        People.signIn(browser.size(1280, 900), hub.client(), user, password, "/console/plugins");
    }

    private static WebElement row(String plugin) {
        return browser.driver().findElement(By.cssSelector("tr[data-plugin='" + plugin + "']"));
    }

    @Test
    void anAdminUploadsAPluginWithTheFilePickerAndSeesItRun() {
        Path archive = PluginArchiveBuilder.plugin("picked", "1.2.0", Fixtures.MEMBER, QuietPlugin.class)
            .writeTo(ARCHIVES);
        openPlugins(People.ADMIN, People.ADMIN_PASSWORD);
        browser.assertAccessible();
        // "Installieren" before a file is chosen says so (it did nothing at all)
        browser.driver().findElement(By.cssSelector("#upload button[type=submit]")).click();
        String said = browser.await(d -> {
            String text = d.findElement(By.id("upload-result")).getText();
            return text.isEmpty() ? null : text;
        });
        assertThat(said)
            .isEqualTo("Bitte zuerst ein Plugin-Archiv wählen (oder auf dieses Feld ziehen).");

        browser.driver().findElement(By.id("archive")).sendKeys(archive.toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("#upload button[type=submit]")).click();

        WebElement row = browser.await(d -> d.findElements(By.cssSelector("tr[data-plugin='picked']")).stream()
            .findFirst().orElse(null));
        assertThat(row.getText()).contains("picked", "1.2.0", Fixtures.MEMBER, "gestartet",
            "nicht geprüft (dieser Hub verlangt keine Signaturen)"); // in the page's language (it was English)
        assertThat(People.said(browser)).isEqualTo("Plugin picked ist installiert.");
        browser.assertAccessible();
    }

    @Test
    void aDroppedArchiveTheHubRefusesShowsWhy() throws Exception {
        Path archive = Fixtures.needsNewerApi(ARCHIVES);
        openPlugins(People.ADMIN, People.ADMIN_PASSWORD);

        dropFile(archive);

        WebElement result = browser.await(d -> {
            WebElement r = d.findElement(By.id("upload-result"));
            return r.getText().length() > 3 ? r : null;
        });
        HubClient.Response refused = hub.client().installPlugin(archive, true);
        assertThat(refused.status()).isEqualTo(422);
        // the lead in the page's language, then the hub's own words
        assertThat(result.getText()).isEqualTo("Nicht übernommen: " + refused.json().getString("error"))
            .contains("2.0.0");
        assertThat(result.getAttribute("role")).isEqualTo("alert");
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-plugin='future']"))).isEmpty();
        browser.assertAccessible();
    }

    @Test
    void disablingAndDeletingAskFirst() {
        assertThat(hub.client().installPlugin(Fixtures.quiet(ARCHIVES, "kept"), true).status()).isEqualTo(201);
        openPlugins(People.ADMIN, People.ADMIN_PASSWORD);

        row("kept").findElement(By.xpath(".//button[text()='Deaktivieren']")).click();
        assertThat(browser.driver().switchTo().alert().getText()).as("it has none")
            .isEqualTo("Plugin kept deaktivieren?");
        browser.driver().switchTo().alert().accept();
        browser.await(d -> row("kept").getText().contains("deaktiviert"));

        row("kept").findElement(By.xpath(".//button[text()='Löschen']")).click();
        browser.driver().switchTo().alert().dismiss();
        assertThat(hub.client().get("/api/v1/admin/plugins/kept").status()).isEqualTo(200);

        row("kept").findElement(By.xpath(".//button[text()='Löschen']")).click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElements(By.cssSelector("tr[data-plugin='kept']")).isEmpty());
        assertThat(hub.client().get("/api/v1/admin/plugins/kept").status()).isEqualTo(404);
    }

    /**
     * Disabling or deleting a plugin says which integrations stop (it said "its integrations", and an admin learnt
     * which on another page afterwards); they stay stored and run again when the plugin is installed again.
     */
    @Test
    void disablingOrDeletingAPluginNamesTheIntegrationsThatStop() {
        Path archive = Fixtures.working(ARCHIVES.resolve("working"));
        assertThat(hub.client().installPlugin(archive, true).status()).isEqualTo(201);
        for (String name : List.of("pegel", "ampel")) {
            HubClient.Response made = hub.client().post("/api/v1/admin/integrations", new JsonObject()
                .put("name", name).put("connector", "fixture-guarded")
                .put("config", new JsonObject().put("path", name).put("access", "viewer")));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
        }
        openPlugins(People.ADMIN, People.ADMIN_PASSWORD);

        row("fixture").findElement(By.xpath(".//button[text()='Deaktivieren']")).click();
        assertThat(browser.driver().switchTo().alert().getText())
            .isEqualTo("Plugin fixture deaktivieren? Seine Integrationen halten an: ampel, pegel.");
        browser.driver().switchTo().alert().dismiss();
        row("fixture").findElement(By.xpath(".//button[text()='Löschen']")).click();
        assertThat(browser.driver().switchTo().alert().getText()).isEqualTo("Plugin fixture löschen? Das Archiv "
            + "wird entfernt, und seine Integrationen halten an: ampel, pegel. Sie bleiben gespeichert und laufen "
            + "wieder, sobald das Plugin erneut installiert ist.");
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElements(By.cssSelector("tr[data-plugin='fixture']")).isEmpty());

        // as said: stopped and kept, and running again with the plugin
        assertThat(hub.client().get("/api/v1/admin/integrations/pegel").json().getString("state"))
            .isEqualTo("stopped");
        // the list says why and since when (an error's time was on the integration's own page alone: one of last
        // week, beside "läuft", read as a failure now)
        browser.open(hub.client().baseUri().resolve("/console/integrations"));
        WebElement row = browser.driver().findElement(By.cssSelector("tr[data-integration='pegel']"));
        // in the page's language (the hub's English was shown), and in the API's code and values
        assertThat(row.getText()).contains("gestoppt", "das Plugin fixture ist nicht gestartet (");
        JsonObject last = hub.client().get("/api/v1/admin/integrations/pegel").json().getJsonObject("lastError");
        assertThat(last.getString("message")).isEqualTo("plugin fixture is not started");
        assertThat(last.getString("code")).isEqualTo("pluginStopped");
        assertThat(row.findElement(By.cssSelector("td:last-child time")).getAttribute("datetime")).isNotBlank();
        assertThat(hub.client().installPlugin(archive, true).status()).isEqualTo(201);
        browser.await(d -> "running".equals(hub.client().get("/api/v1/admin/integrations/pegel").json()
            .getString("state")) ? true : null);
        for (String name : List.of("pegel", "ampel")) {
            assertThat(hub.client().delete("/api/v1/admin/integrations/" + name).status()).isEqualTo(204);
        }
    }

    @Test
    void aMemberSeesThePluginsButNoUploadAndNoActions() {
        assertThat(hub.client().installPlugin(Fixtures.quiet(ARCHIVES, "listed"), true).status()).isEqualTo(201);
        openPlugins(People.ANNA, People.ANNA_PASSWORD);

        assertThat(row("listed").getText()).contains("gestartet");
        assertThat(browser.driver().findElements(By.id("upload"))).isEmpty();
        assertThat(browser.driver().findElements(By.cssSelector("button[data-path]"))).isEmpty();
        browser.assertAccessible();
    }

    /** Drops a file on the upload form as a person dragging it from their desktop would. */
    private static void dropFile(Path file) throws Exception {
        browser.script("""
            const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], arguments[1], { type: 'application/zip' }));
            const form = document.getElementById('upload');
            form.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }));
            form.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
            """, Base64.getEncoder().encodeToString(Files.readAllBytes(file)), file.getFileName().toString());
    }
}
