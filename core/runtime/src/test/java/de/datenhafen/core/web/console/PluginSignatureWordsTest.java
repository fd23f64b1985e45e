package de.datenhafen.core.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.web.Language;
import org.junit.jupiter.api.Test;

/**
 * What admitted a plugin, as the plugins' page says it: in the page's language for the hub's three ways of admitting
 * one (it was the hub's English on a German page), a refusal's reason as the hub words it.
 */
class PluginSignatureWordsTest {

    private static String said(Language language, String hub) {
        return Plugins.signature(new Console.View(null, null, language, Console.BASE + "plugins", null), hub);
    }

    @Test
    void theWaysAPluginIsAdmittedAreSaidInThePagesLanguage() {
        assertThat(said(Language.DE, "signed by member luftblick (key f19dc26acbf2089c1afb884dafe2d257), verified"))
            .isEqualTo("signiert von Mitglied luftblick (Schlüssel f19dc26acbf2089c1afb884dafe2d257), geprüft");
        assertThat(said(Language.DE, "not checked (signatures are not required on this hub)"))
            .isEqualTo("nicht geprüft (dieser Hub verlangt keine Signaturen)");
        assertThat(said(Language.DE, "admitted unsigned by the allow-list"))
            .isEqualTo("unsigniert, über die Freigabeliste zugelassen");
        assertThat(said(Language.EN, "admitted unsigned by the allow-list"))
            .isEqualTo("admitted unsigned by the allow-list");
        assertThat(said(Language.DE, null)).isEqualTo("–");
    }

    @Test
    void aRefusalIsSaidAsTheHubWordsIt() {
        String refused = "plugin x 1.0.0 is not admitted: it is signed by member a, but the plugin belongs to member b";
        assertThat(said(Language.DE, refused)).isEqualTo(refused);
    }
}
