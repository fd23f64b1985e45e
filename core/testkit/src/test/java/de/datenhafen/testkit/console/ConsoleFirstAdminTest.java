package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.security.FirstAdmin;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The first person who can sign in, without curl: a hub with no active hub-admin person makes a one-time code at its
 * start (bin/datenhafen prints it; {@code DistributionSmokeIT} reads it there), and the console's setup page takes it.
 * The admin token is no person and cannot sign in, so a new hub's console was closed to everyone until someone
 * invited a person over the API. The methods run in order: one hub's life.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleFirstAdminTest {

    private static final String PASSWORD = "Lotsenboot vor Travemünde";

    @RegisterExtension
    static final HubExtension hub = People.hub().build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    private static String code() {
        return hub.hub().firstAdminCode().map(FirstAdmin.Code::code).orElse(null);
    }

    @Test
    @Order(1)
    void aNewHubsSignInPageSaysWhereTheCodeIsAndTheSetupPageMakesTheFirstHubAdmin() {
        String code = code();
        assertThat(code).as("a new hub offers a code").isNotBlank();
        assertThat(hub.hub().setupPage()).endsWith("/console/setup");
        browser.clearCookies().size(1280, 900).open(hub.client().baseUri().resolve("/console/"));
        browser.await(d -> d.getCurrentUrl().contains("/console/sign-in") ? true : null);
        assertThat(browser.driver().findElement(By.id("first-admin")).getText())
            .startsWith("Noch hat dieser Hub keinen Administrator, der sich anmelden kann.");
        browser.assertAccessible();

        HubClient.Response wrong = hub.client().anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", code.substring(1) + "x").put("password", PASSWORD));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(hub.client().get("/api/v1/admin/members/datenhafen").status()).as("nothing made").isEqualTo(404);

        browser.driver().findElement(By.linkText("Passwort festlegen")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/setup") ? true : null);
        type("code", code);
        type("password", PASSWORD);
        type("repeat", PASSWORD);
        browser.driver().findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/") ? true : null);
        assertThat(browser.driver().findElement(By.cssSelector("form.who span")).getText())
            .isEqualTo("Angemeldet als admin (datenhafen)");
        List<String> areas = browser.driver().findElements(By.cssSelector("nav.shell-nav a")).stream()
            .map(WebElement::getText).toList();
        assertThat(areas).as("a hub-admin's areas").contains("Bus", "Mitglieder");

        JsonObject admin = hub.client().get("/api/v1/admin/members/datenhafen/users/admin").json();
        assertThat(admin.getString("state")).isEqualTo("active");
        assertThat(admin.getJsonArray("roles")).containsExactly("hub-admin");
        assertThat(hub.client().anonymous().post("/api/v1/auth/setup", new JsonObject().put("code", code)
            .put("password", "Ein anderes Passwort 2026")).status()).as("the code works once").isEqualTo(400);
        browser.clearCookies().open(hub.client().baseUri().resolve("/console/sign-in"));
        assertThat(browser.driver().findElements(By.id("first-admin"))).as("no hint once there is one").isEmpty();
    }

    @Test
    @Order(2)
    void aHubWithAnActiveHubAdminOffersNoCode() {
        hub.restart();
        assertThat(hub.hub().firstAdminCode()).isEmpty();
    }

    /**
     * Every hub-admin disabled (or gone, or their association suspended): a restart offers a code again, the way
     * back in for the first admin. A password the rules refuse changes nothing and leaves the code usable (the
     * disabled account was made an active hub-admin with its old password, and the code was used up: a review).
     */
    @Test
    @Order(3)
    void aHubWhoseHubAdminsAreAllDisabledOffersACodeAgainAtItsRestart() {
        assertThat(hub.client().patch("/api/v1/admin/members/datenhafen/users/admin", "application/json",
            new JsonObject().put("state", "disabled").encode()).status()).isEqualTo(200);
        assertThat(hub.client().patch("/api/v1/admin/members/datenhafen", "application/json",
            new JsonObject().put("state", "suspended").encode()).status()).isEqualTo(200);
        assertThat(People.login(hub.client(), "admin", PASSWORD)).as("disabled, and said so").isEqualTo(403);
        hub.restart();
        String code = code();
        assertThat(code).isNotBlank();
        assertThat(hub.hub().firstAdminCode()).as("shown once, then only its hash is kept").isEmpty();

        for (String refused : new String[] {"zu kurz", "admin am Hafen 2027"}) {
            HubClient.Response r = hub.client().anonymous().post("/api/v1/auth/setup", new JsonObject()
                .put("code", code).put("password", refused));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("password");
        }
        JsonObject unchanged = hub.client().get("/api/v1/admin/members/datenhafen/users/admin").json();
        assertThat(unchanged.getString("state")).isEqualTo("disabled");
        assertThat(People.login(hub.client(), "admin", PASSWORD)).isEqualTo(403);

        HubClient.Response made = hub.client().anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", code).put("password", "Neuer Anfang am Hafen 2027"));
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        assertThat(made.json().getString("id")).isEqualTo("admin");
        assertThat(made.json().getString("state")).isEqualTo("active");
        assertThat(People.login(hub.client(), "admin", "Neuer Anfang am Hafen 2027")).as("its association active")
            .isEqualTo(200);
        assertThat(People.login(hub.client(), "admin", PASSWORD)).isEqualTo(401);
        JsonObject audited = hub.client().get("/api/v1/admin/audit?member=datenhafen&action=auth%2Fsetup&before="
            + Long.MAX_VALUE).json().getJsonArray("entries").getJsonObject(0);
        assertThat(audited.getString("detail")).isEqualTo("the code printed at the start for the first admin: admin "
            + "is an active hub-admin of datenhafen");
    }

    /**
     * A person of another member is never taken over: with "admin" and "admin-datenhafen" theirs, the first admin
     * is admin-datenhafen-2 (a member's admin could name a person so, and the code made that person a hub-admin).
     */
    @Test
    @Order(4)
    void theCodeNeverTakesOverAPersonOfAnotherMember() {
        HubClient admin = hub.client();
        assertThat(admin.delete("/api/v1/admin/members/datenhafen/users/admin").status()).isEqualTo(204);
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "xgmbh").put("name", "X GmbH"))
            .status()).isEqualTo(201);
        People.invite(admin, "xgmbh", "admin", "member-admin", "Das gehört der X GmbH");
        People.invite(admin, "xgmbh", "admin-datenhafen", "viewer", "Auch das gehört der X GmbH");
        hub.restart();
        admin = hub.client(); // the restarted hub's port

        HubClient.Response made = admin.anonymous().post("/api/v1/auth/setup", new JsonObject().put("code", code())
            .put("password", "Der Verein bleibt beim Verein"));
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        assertThat(made.json().getString("id")).isEqualTo("admin-datenhafen-2");
        assertThat(made.json().getString("member")).isEqualTo("datenhafen");
        assertThat(admin.get("/api/v1/admin/members/xgmbh/users/admin-datenhafen").json().getJsonArray("roles"))
            .containsExactly("viewer");
        assertThat(People.login(admin, "admin-datenhafen", "Auch das gehört der X GmbH")).isEqualTo(200);
        assertThat(People.login(admin, "admin", "Das gehört der X GmbH")).isEqualTo(200);
    }

    private static void type(String id, String text) {
        browser.driver().findElement(By.id(id)).sendKeys(text);
    }
}
