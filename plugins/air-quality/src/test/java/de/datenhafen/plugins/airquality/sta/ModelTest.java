package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ids of the entities and what an id written in a path stands for, with numeric and with string Location ids. */
class ModelTest {

    static final StaBackend.View VIEW = new StaBackend.View(
        Map.of("gs-nord", new StaBackend.Site(7, "gs-nord", "Grundschule Nord", "Nordweg 1", 53.87, 10.68)),
        Map.of(3, new StaBackend.Room(3, "gs-nord", "1.01", "Klasse 1a", "classroom")), Map.of());

    @Test
    void everyEntityHasANumberAndALocationKeepsItsSiteIdInItsProperties() {
        Model.Graph g = new Model.Graph(VIEW);

        for (Model.Type t : Model.Type.values()) {
            if (t != Model.Type.OBSERVATION) {
                assertThat(g.all(t)).as(t.set).isNotEmpty().allSatisfy(e -> assertThat(e.id()).isInstanceOf(Long.class));
            }
        }
        Model.Entity location = g.get(Model.Type.LOCATION, 7L);
        assertThat(location.props().get("properties")).isEqualTo(Map.of("site", "gs-nord", "address", "Nordweg 1"));
        assertThat(g.siteOf(location)).isEqualTo("gs-nord");
        Model.Entity thing = g.get(Model.Type.THING, 3L);
        assertThat(g.follow(thing, "Locations")).extracting(Model.Entity::id).containsExactly(7L);
        assertThat(g.follow(location, "Things")).extracting(Model.Entity::id).containsExactly(3L);
        assertThat(g.follow(g.get(Model.Type.HISTORICAL_LOCATION, 3L), "Locations")).extracting(Model.Entity::id)
            .containsExactly(7L);
    }

    @Test
    void anIdInAPathIsANumberQuotedOrNotAndTextFindsNothing() {
        Model.Graph g = new Model.Graph(VIEW);

        assertThat(g.key(Model.Type.LOCATION, "7", false)).isEqualTo(7L);
        assertThat(g.key(Model.Type.THING, "3", true)).isEqualTo(3L);
        assertThat(g.get(Model.Type.LOCATION, g.key(Model.Type.LOCATION, "gs-nord", true))).isNull();
        assertThat(g.key(Model.Type.THING, "99999999999999999999", false)).isEqualTo("99999999999999999999");
        assertThat(g.get(Model.Type.THING, g.key(Model.Type.THING, Long.toString(Long.MAX_VALUE), false))).isNull();
    }

    @Test
    void withStringIdsALocationIsKnownByItsSiteIdAndItsNumberStillFindsIt() {
        Model.Graph g = new Model.Graph(VIEW, true);

        Model.Entity location = g.get(Model.Type.LOCATION, "gs-nord");
        assertThat(location).isNotNull();
        assertThat(g.key(Model.Type.LOCATION, "gs-nord", true)).isEqualTo("gs-nord");
        assertThat(g.key(Model.Type.LOCATION, "7", false)).isEqualTo("gs-nord");
        assertThat(g.follow(g.get(Model.Type.THING, 3L), "Locations")).containsExactly(location);
        assertThat(g.get(Model.Type.THING, 3L).id()).isEqualTo(3L);
    }
}
