package de.datenhafen.core.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.web.Language;
import org.junit.jupiter.api.Test;

/**
 * What the audit page says an entry's action was: a plugin's own route by its plugin, the hub's takeover of an archive
 * at start in words (both were shown as the raw route or the hub's English), over the route as recorded.
 */
class AuditWordsTest {

    private static String cell(Language language, String action, int outcome) {
        Html h = new Html();
        Audit.action(new Console.View(null, null, language, Console.BASE + "audit", null), h, action, outcome);
        return h.toString();
    }

    @Test
    void aPluginsRouteIsSaidByItsPlugin() {
        assertThat(cell(Language.DE, "POST /api/v1/plugins/air-quality/uplinks", 202))
            .startsWith("<td>Aufruf an das Plugin air-quality<span class=\"route\">POST /api/v1/plugins/air-quality/"
                + "uplinks</span>");
        assertThat(cell(Language.DE, "POST /api/v1/plugins/transit/push", 401))
            .contains("Aufruf an das Plugin transit, abgelehnt");
        assertThat(cell(Language.EN, "DELETE /api/v1/plugins/notes/notes/7", 204)).contains("Call to plugin notes");
    }

    @Test
    void theHubsTakeoverOfAnArchiveIsSaidInWords() {
        assertThat(cell(Language.DE, de.datenhafen.core.Hub.TAKEOVER_ACTION, 201))
            .contains("Übernahme eines Plugin-Archivs beim Start<span");
        assertThat(cell(Language.DE, de.datenhafen.core.Hub.TAKEOVER_ACTION, 422))
            .contains("Übernahme eines Plugin-Archivs beim Start, abgelehnt");
    }

    @Test
    void aRefusedSignInIsSaidAsOne() {
        assertThat(cell(Language.DE, "POST /api/v1/auth/login", 401)).contains("Anmeldung abgelehnt<span")
            .doesNotContain("Angemeldet");
        assertThat(cell(Language.DE, "POST /api/v1/auth/login", 200)).contains("Angemeldet<span");
        assertThat(cell(Language.EN, "POST /api/v1/auth/setup", 400)).contains("Setup code refused<span");
    }

    @Test
    void anActionWithoutWordsIsShownAsRecorded() {
        assertThat(cell(Language.DE, "PATCH /somewhere/else", 200)).isEqualTo("<td>PATCH /somewhere/else</td>");
    }
}
