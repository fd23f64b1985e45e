package de.datenhafen.core.city;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.web.Html;
import de.datenhafen.api.web.PublicPage;
import de.datenhafen.api.web.PublicRequest;
import de.datenhafen.api.web.PublicSection;
import de.datenhafen.core.camel.HubHttpComponent;
import de.datenhafen.core.camel.HubHttpComponent.PluginRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A section and the paths plugin routes serve, without a hub (SectionsAndPublicPathsTest has them with one): a
 * section holds GET and HEAD on /<id> and below, and the hub's one rule for a clash (HubHttpComponent.takenBy) refuses
 * a section where another integration serves one of those, and a path there while another's section is shown.
 */
class PublicSectionsTest {

    private static final ClassLoader LOADER = PublicSectionsTest.class.getClassLoader();

    private final PublicSections sections = new PublicSections();

    @Test
    void aSectionWhereAnotherIntegrationServesGetsIsRefusedNamingThePathAndTheIntegration() {
        List<PluginRoute> served = List.of(path("sta", "/luft/data/", List.of(), false));

        assertThatThrownBy(() -> sections.add("air", "aq", LOADER, List.of(section("luft")), served))
            .isInstanceOf(PublicSections.SectionTakenException.class)
            .hasMessage("public section /luft is refused: path /luft/data is already served by integration sta: "
                + "choose another section id or delete integration sta");
        assertThat(sections.running()).isEmpty();
        assertThat(sections.routes()).isEmpty();
    }

    @Test
    void aPathOfItsOwnIntegrationOrForOtherMethodsOrBesideItIsNoClash() {
        List<PluginRoute> served = List.of(path("air", "/luft/", List.of(), true),
            path("inbox", "/luft/inbox/", List.of("POST"), false), path("other", "/luftig/", List.of(), true),
            path("api", "/api/v1/plugins/aq/luft/", List.of(), true));

        sections.add("air", "aq", LOADER, List.of(section("luft")), served);

        assertThat(sections.routes()).containsExactly(new PluginRoute("aq", "air", "/luft", List.of("GET", "HEAD"),
            true));
    }

    @Test
    void aPathWhereAnotherIntegrationShowsASectionIsTakenByItAndFreeOnceItIsGone() {
        sections.add("air", "aq", LOADER, List.of(section("luft")), List.of());
        PluginRoute get = path("sta", "/luft/data/", List.of("GET"), false);

        assertThat(HubHttpComponent.takenBy(get, sections.routes())).isEqualTo(sections.find("luft").orElseThrow()
            .route());
        assertThat(HubHttpComponent.takenBy(path("sta", "/luft/", List.of("HEAD"), true), sections.routes()))
            .isNotNull();
        assertThat(HubHttpComponent.takenBy(path("sta", "/luft/", List.of("POST", "PUT"), true), sections.routes()))
            .isNull();
        assertThat(HubHttpComponent.takenBy(path("air", "/luft/", List.of(), true), sections.routes())).isNull();

        sections.remove("air");

        assertThat(HubHttpComponent.takenBy(get, sections.routes())).isNull();
    }

    private static PluginRoute path(String integration, String path, List<String> methods, boolean prefix) {
        return new PluginRoute("p-" + integration, integration, path, methods, prefix);
    }

    private static PublicSection section(String id) {
        return new PublicSection() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String title(String language) {
                return id;
            }

            @Override
            public PublicPage render(PublicRequest request) {
                return PublicPage.of(id, new Html());
            }
        };
    }
}
