package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.openqa.selenium.By;

/**
 * The people of the console's tests: the association ("verein") with a hub-admin, two members each with a
 * member-admin; made through the API as an admin would, signed in through the console's form as a person would.
 */
final class People {

    static final String ADMIN = "vera";
    static final String ADMIN_PASSWORD = "Hafenkran am Kai 7";
    static final String ANNA = "anna";
    static final String ANNA_PASSWORD = "correct horse battery staple";
    static final String BERT = "bert";
    static final String BERT_PASSWORD = "ein Bus kommt selten allein";

    private People() {
    }

    /** A hub for a console test: cheap password hashes, since every test signs in (the README says what they cost). */
    static HubExtension.Builder hub() {
        return HubExtension.builder().config(HubConfig.AUTH_ARGON2_MEMORY, 1024)
            .config(HubConfig.AUTH_ARGON2_ITERATIONS, 1);
    }

    /** Creates the members and their people (once per hub). */
    static void create(HubClient admin) {
        for (String[] m : new String[][] {{"verein", "Smart-City-Verein"}, {"luftblick", "Luftblick Sensorik GmbH"},
            {"stadtverkehr", "Stadtverkehr Neuhafen"}}) {
            HubClient.Response r = admin.post("/api/v1/admin/members", new JsonObject().put("id", m[0])
                .put("name", m[1]).put("contact", "it@" + m[0] + ".example"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        invite(admin, "verein", ADMIN, "hub-admin", ADMIN_PASSWORD);
        invite(admin, "luftblick", ANNA, "member-admin", ANNA_PASSWORD);
        invite(admin, "stadtverkehr", BERT, "member-admin", BERT_PASSWORD);
    }

    static void invite(HubClient as, String member, String user, String role, String password) {
        HubClient.Response created = as.post("/api/v1/admin/members/" + member + "/users", new JsonObject()
            .put("id", user).put("name", user).put("roles", new JsonArray().add(role)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        HubClient.Response setUp = as.anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", created.json().getString("setupCode")).put("password", password));
        assertThat(setUp.status()).as(setUp.body()).isEqualTo(200);
    }

    /** Signs in through the console's form, as a person types it; ends on the page signing in led to. */
    static void signIn(Browser browser, HubClient hub, String user, String password, String path) {
        browser.clearCookies().open(hub.baseUri().resolve(path));
        browser.await(d -> d.getCurrentUrl().contains("/console/sign-in"));
        browser.driver().findElement(By.id("user")).sendKeys(user);
        browser.driver().findElement(By.id("password")).sendKeys(password);
        browser.driver().findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
        browser.await(d -> !d.getCurrentUrl().contains("/console/sign-in"));
    }

    /** What the page says it did after a change (the live region console.js fills on the page that comes). */
    static String said(Browser browser) {
        return browser.await(d -> {
            String text = d.findElement(By.id("console-status")).getText();
            return text.isEmpty() ? null : text;
        });
    }

    /** A temporary folder for a test class's plugin archives. */
    static java.nio.file.Path temp(String name) {
        try {
            return java.nio.file.Files.createTempDirectory("console-" + name + "-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A session signed in through the API: its cookie header (for plain HTTP checks). */
    static String sessionCookie(HubClient hub, String user, String password) {
        HubClient.Response r = hub.anonymous().post("/api/v1/auth/login", new JsonObject().put("user", user)
            .put("password", password));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String setCookie = r.setCookie("dh_session");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** A sign-in through the API: its status (200, or 401 for a wrong password or a disabled person). */
    static int login(HubClient hub, String user, String password) {
        return hub.anonymous().post("/api/v1/auth/login", new JsonObject().put("user", user)
            .put("password", password)).status();
    }

    static Map<String, String> cookie(String cookie) {
        return Map.of("Cookie", cookie);
    }
}
