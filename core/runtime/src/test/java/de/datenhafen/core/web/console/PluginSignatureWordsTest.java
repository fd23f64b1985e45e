package de.datenhafen.core.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.web.Language;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * What admitted a plugin, as the plugins' page says it: in the page's language for the hub's three ways of admitting
 * one (it was the hub's English on a German page), read from the API's {@code admission} (not from its English);
 * a signature by the repository's public test key marked so; a refusal's reason as the hub words it.
 */
class PluginSignatureWordsTest {

    private static String said(Language language, JsonObject plugin) {
        return Plugins.signature(new Console.View(null, null, language, Console.BASE + "plugins", null), plugin);
    }

    private static JsonObject admitted(String kind, String english) {
        return new JsonObject().put("signature", english).put("admission", new JsonObject().put("kind", kind));
    }

    @Test
    void theWaysAPluginIsAdmittedAreSaidInThePagesLanguage() {
        JsonObject signed = new JsonObject().put("signature", "signed by member luftblick (key 0a1b), verified")
            .put("admission", new JsonObject().put("kind", "signed").put("member", "luftblick").put("key", "0a1b")
                .put("publicKey", false));
        assertThat(said(Language.DE, signed)).isEqualTo("signiert von Mitglied luftblick (Schlüssel 0a1b), geprüft");
        assertThat(said(Language.DE, admitted("not-checked", "not checked (signatures are not required on this hub)")))
            .isEqualTo("nicht geprüft (dieser Hub verlangt keine Signaturen)");
        assertThat(said(Language.DE, admitted("allow-listed", "admitted unsigned by the allow-list")))
            .isEqualTo("unsigniert, über die Freigabeliste zugelassen");
        assertThat(said(Language.EN, admitted("allow-listed", "admitted unsigned by the allow-list")))
            .isEqualTo("admitted unsigned by the allow-list");
        assertThat(said(Language.DE, new JsonObject())).isEqualTo("–");
    }

    @Test
    void aSignatureByThePublicTestKeyIsMarked() {
        JsonObject signed = new JsonObject().put("admission", new JsonObject().put("kind", "signed")
            .put("member", "datenhafen").put("key", "f19dc26acbf2089c1afb884dafe2d257").put("publicKey", true));
        assertThat(said(Language.DE, signed)).isEqualTo("signiert von Mitglied datenhafen (Schlüssel "
            + "f19dc26acbf2089c1afb884dafe2d257), geprüft – mit dem öffentlichen Testschlüssel des Repositorys: das "
            + "kann jeder, nur für Entwicklung");
    }

    @Test
    void aRefusalIsSaidAsTheHubWordsIt() {
        String refused = "plugin x 1.0.0 is not admitted: it is signed by member a, but the plugin belongs to member b";
        assertThat(said(Language.DE, admitted("refused", refused).put("signature", refused))).isEqualTo(refused);
    }
}
