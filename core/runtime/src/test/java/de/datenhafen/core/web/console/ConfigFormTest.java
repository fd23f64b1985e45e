package de.datenhafen.core.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import de.datenhafen.core.web.Language;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fields of an integration's config form, as the console writes them from the connector's schema. */
class ConfigFormTest {

    private static final JsonObject SCHEMA = new JsonObject().put("properties", new JsonObject()
        .put("path", new JsonObject().put("type", "string").put("description", "Path below the plugin's root"))
        .put("token", new JsonObject().put("type", "string").put("writeOnly", true).put("deprecated", true)
            .put("description", "Retired: token was replaced by member tokens")));

    private static String form(JsonObject values) {
        Console.View v = new Console.View(null, new Principal(Principal.Kind.USER, "vera", "verein",
            Set.of(Role.HUB_ADMIN), null, null), Language.DE, "/console/integrations/new", null);
        Html h = new Html();
        ConfigForm.fields(v, h, SCHEMA, values);
        return h.toString();
    }

    /**
     * A retired key is no field of a new integration's form (the form offered the retired token as a password field
     * with the words that it was retired); an integration whose stored config still has it shows it, to be taken out.
     */
    @Test
    void aRetiredKeyIsShownOnlyWhereAStoredConfigStillHasIt() {
        assertThat(form(null)).contains("id=\"config.path\"").doesNotContain("config.token");
        assertThat(form(new JsonObject().put("path", "p"))).doesNotContain("config.token");
        assertThat(form(new JsonObject().put("path", "p").put("token", "********"))).contains("id=\"config.token\"");
    }
}
