package de.datenhafen.api.web;

import de.datenhafen.api.QueryString;
import java.util.List;

/**
 * One request for a page of a {@link PublicSection}, as the hub hands it to the section. Made by the hub on its page
 * worker thread for one call; do not keep it.
 *
 * @since 1.2
 */
public interface PublicRequest {

    /** The page's language: {@code de} (the default) or {@code en}. */
    String language();

    /** {@code de} in German, {@code en} in English: for a section's few texts, kept side by side. */
    default String text(String german, String english) {
        return "en".equals(language()) ? english : german;
    }

    /**
     * The path below the section's own, without leading slash and percent-decoded: empty for {@code /<id>},
     * {@code stops/de:123} for {@code /<id>/stops/de%3A123}.
     */
    String path();

    /** The request's query (e.g. a search form's fields). */
    QueryString query();

    /** The local URL of a page of this section: {@code href("stops/x")} is {@code /<id>/stops/x}; segments escaped. */
    String href(String subPath);

    /**
     * The versioned URL of a file under the section's {@link PublicSection#assets()} folder, for
     * {@link PublicPage#stylesheet} and {@link PublicPage#module}.
     *
     * @throws IllegalArgumentException when there is no such file
     */
    String asset(String path);

    /**
     * What the other running sections have near a place ({@link PublicSection#near}), grouped by section in their
     * order; a section that fails is left out. Runs their code on this thread.
     */
    List<NearbyGroup> near(double lat, double lon, int max);

    /** One section's things near a place. */
    record NearbyGroup(String sectionTitle, List<PublicSection.Nearby> items) {
        public NearbyGroup {
            items = List.copyOf(items);
        }
    }
}
