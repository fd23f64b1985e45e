package de.datenhafen.api.web;

import java.util.List;
import java.util.Optional;

/**
 * A section of the city's public page at {@code /}: a plugin's pages for citizens (the schools' air, the departures,
 * the counselling offers), shown in the hub's shell with its navigation, language switch and layout. A section is
 * registered by an integration ({@link de.datenhafen.api.IntegrationContext#publicSection}) and shown while that
 * integration runs, so a member's new plugin adds a section without a change to the hub or to another plugin.
 *
 * <p>The section owns the URLs {@code /<id>} and {@code /<id>/...} for GET and HEAD; the hub answers them with
 * {@link #render}'s page inside its shell, before any plugin route, and passes other methods on to the plugin routes.
 * So no other integration may serve a path there for GET or HEAD
 * ({@link de.datenhafen.api.IntegrationContext#publicEndpoint}): whichever of the two starts second fails, naming the
 * path and the other integration. The section's own integration may serve one (the section still answers its GETs;
 * a form's POST below its pages).
 *
 * <p>Every method is called by the hub on one of its page worker threads (never a Vert.x event loop), with the
 * plugin's class loader as context class loader, possibly on several threads at once: implementations are
 * thread-safe and read the plugin's own data services, the same ones its JSON API uses. Pages are in German or
 * English ({@link PublicRequest#language()}); write every value through {@link Html}, which escapes it.
 *
 * <p>What a method throws is answered in the shell: a {@link de.datenhafen.api.NotFoundException} as the page "not
 * found" (404), an {@link de.datenhafen.api.InvalidInputException} (a bad query) as 400 with its message, anything
 * else as 500 without details (logged with the integration's name). An exception from {@link #summary} or
 * {@link #near} leaves that fragment out and is logged; the rest of the page is shown.
 *
 * @since 1.2
 */
public interface PublicSection {

    /**
     * First path segments the hub serves itself; no section may have one as its id.
     *
     * @since 1.3
     */
    java.util.Set<String> RESERVED_IDS = java.util.Set.of("api", "health", "metrics", "admin", "console", "assets",
        "webjars", "language", "city-assets", "sta", "favicon.ico", "robots.txt");

    /**
     * What is wrong with {@code id} as a section's id, or null when the hub takes it (a clash with another running
     * section shows only when the integration starts). A connector whose config names its section's id checks it with
     * {@link de.datenhafen.api.ConfigCheck#publicSectionId()}, so the admin hears of it when creating the integration.
     *
     * @since 1.3
     */
    static String idProblem(String id) {
        if (id == null || !id.matches("[a-z][a-z0-9-]{1,31}")) {
            return "a public section's id is 2 to 32 lower-case letters, digits or dashes, starting with a letter: '"
                + id + "'";
        }
        if (RESERVED_IDS.contains(id)) {
            return "public section id '" + id + "' is refused: /" + id + " is the hub's own (reserved: "
                + String.join(", ", new java.util.TreeSet<>(RESERVED_IDS)) + ")";
        }
        return null;
    }

    /**
     * The section's URL segment ({@code /<id>}), lower-case letters, digits and dashes, 2 to 32 characters, unique
     * among the running sections; the hub refuses the integration's start when another running section has it, and
     * reserves its own ({@code api}, {@code assets}, {@code console}, ...). Read once, at registration.
     */
    String id();

    /**
     * The section's name in the navigation and on its card, in {@code language} ({@code de} or {@code en}). Read
     * for both languages at registration (since 1.3; a blank one fails the integration's start).
     */
    String title(String language);

    /** Where the section stands in the navigation and on the home page: lower first, then by id. */
    default int order() {
        return 100;
    }

    /**
     * The page at {@link PublicRequest#path()} below {@code /<id>}. A public page is the same for everyone: the hub
     * answers one rendering to every request for the same path, query and language for up to a second, so readers
     * that refresh every second cost one rendering a second together.
     *
     * @throws de.datenhafen.api.NotFoundException when there is no such page (an unknown school, stop or offer)
     * @throws de.datenhafen.api.InvalidInputException when the query is malformed
     */
    PublicPage render(PublicRequest request);

    /**
     * The section's card on the home page (a few lines: e.g. how many schools are green now), inside an
     * {@code <article>} the hub headed with {@link #title} and linked to {@code /<id>}; empty for a card with the
     * title and link alone. Called on every view of {@code /}: keep it cheap.
     */
    default Optional<Html> summary(PublicRequest request) {
        return Optional.empty();
    }

    /**
     * What this section has near a place, nearest first, at most {@code max}: e.g. the bus stops near a school. Other
     * sections ask through {@link PublicRequest#near}, so neither knows the other; empty by default.
     *
     * @param lat latitude in degrees (WGS 84)
     * @param lon longitude in degrees (WGS 84)
     */
    default List<Nearby> near(double lat, double lon, int max, PublicRequest request) {
        return List.of();
    }

    /**
     * The class path folder (in the plugin's jar) of the section's own style sheets and ES modules, e.g.
     * {@code public/transit}, or null for none. The hub serves its files under a URL that names their content
     * ({@link PublicRequest#asset}), cached for a year. Read once, at registration.
     */
    default String assets() {
        return null;
    }

    /**
     * A thing near a place, as one section tells another.
     *
     * @param title  what it is called ("Marktplatz")
     * @param href   its page on the city's page (a local path)
     * @param metres how far it is from the place, straight
     * @param detail one line more (the next departures), or null
     */
    record Nearby(String title, String href, int metres, String detail) {
        public Nearby {
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("a nearby thing needs a title");
            }
            if (href == null || !href.startsWith("/") || href.startsWith("//")) {
                throw new IllegalArgumentException("a nearby thing's href must be a local path, not " + href);
            }
            if (metres < 0) {
                throw new IllegalArgumentException("metres must be >= 0, not " + metres);
            }
        }
    }
}
