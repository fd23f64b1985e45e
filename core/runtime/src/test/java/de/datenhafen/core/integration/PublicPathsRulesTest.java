package de.datenhafen.core.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.web.PublicSection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/** The rules of an integration's public path, without a hub (PublicPathsTest has them with one). */
class PublicPathsRulesTest {

    static final java.util.List<String> RESERVED = PublicPaths.RESERVED;

    @ParameterizedTest(name = "/{0}")
    @FieldSource("RESERVED")
    void aPathUnderOneOfTheHubsOwnFirstSegmentsIsRefusedNamingIt(String segment) {
        assertThatThrownBy(() -> PublicPaths.checked("/" + segment + "/x"))
            .hasMessageContaining("/" + segment + " is reserved for the hub's own routes");
        assertThatThrownBy(() -> PublicPaths.checked("/" + segment))
            .hasMessageContaining("/" + segment + " is reserved");
    }

    @Test
    void theCityPagesSectionsMayNotTakeThemEither() {
        assertThat(PublicSection.RESERVED_IDS).containsAll(PublicPaths.RESERVED);
    }

    @Test
    void aNameThatMerelyBeginsLikeOneIsFree() {
        assertThat(PublicPaths.checked("/assets-of-the-city/")).isEqualTo("/assets-of-the-city");
        assertThat(PublicPaths.checked("/sta")).isEqualTo("/sta");
    }
}
