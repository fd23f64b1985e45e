package de.datenhafen.core.city;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.web.PublicSection;
import de.datenhafen.core.camel.HubHttpComponent;
import de.datenhafen.core.camel.HubHttpComponent.PluginRoute;
import de.datenhafen.core.web.Assets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sections of the city's page that running integrations registered. The integration manager adds an integration's
 * sections after its routes started and removes them when they stop or pause; the page reads {@link #running()} on
 * every request. Thread-safe: writes are serialized by the manager, reads see a consistent snapshot.
 *
 * <p>A section holds the URLs the page answers for it ({@link #route}): GET and HEAD on {@code /<id>} and every path
 * below it, before any plugin route (other methods pass on to them). So a path another integration serves there
 * ({@code IntegrationContext.publicEndpoint}) for GET or HEAD would never be reached: the hub's one rule for a clash
 * ({@link HubHttpComponent#takenBy}) refuses whichever comes second, here for a section, in
 * {@code HubHttpComponent#serve} for a path.
 */
public final class PublicSections {

    /** Where a section's assets are served, followed by its id. */
    public static final String ASSETS = "/city-assets/";

    /** First path segments the hub or its shipped parts serve themselves; no section may take them. */
    static final Set<String> RESERVED = PublicSection.RESERVED_IDS;

    /** A section as the page serves it: who registered it, its class loader and its assets. */
    public record Registered(PublicSection section, String id, String integration, String pluginId,
                             ClassLoader loader, Assets assets, Map<String, String> titles) {

        /** The section's title in {@code language} ({@code de} or {@code en}), as it said at registration. */
        public String title(String language) {
            return titles.getOrDefault(language, id);
        }

        /** The URLs the page answers for this section, as the hub's HTTP consumer holds paths. */
        public PluginRoute route() {
            return PublicSections.route(id, pluginId, integration);
        }

        @Override
        public String toString() {
            return "section " + id + " of integration " + integration;
        }
    }

    /**
     * Another running integration shows a section with this id, or serves a path the section would hold: the start
     * fails, without retries.
     */
    public static final class SectionTakenException extends ConflictException {
        SectionTakenException(String message) {
            super(message, null);
        }
    }

    private final Map<String, List<Registered>> byIntegration = new ConcurrentHashMap<>();
    private volatile List<Registered> running = List.of();
    private volatile List<PluginRoute> routes = List.of();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    /** The section's id if well-formed, else an {@link IllegalArgumentException} saying what is allowed. */
    public static String checkedId(PublicSection section) {
        String id = section.id();
        String problem = PublicSection.idProblem(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return id;
    }

    /**
     * The URLs the city page answers for section {@code id} ({@link CityPage}): GET and HEAD on {@code /<id>} and every
     * path below it.
     */
    public static PluginRoute route(String id, String pluginId, String integration) {
        return new PluginRoute(pluginId, integration, "/" + id, List.of("GET", "HEAD"), true);
    }

    /**
     * Shows the sections of an integration that has just started, unless a path another integration serves
     * ({@code served}, the hub's plugin routes now) meets one of them for GET or HEAD
     * ({@link HubHttpComponent#takenBy}). One integration may show a section and serve a path below it: the section
     * answers GET and HEAD there, its route the other methods, and no other integration's request goes astray.
     *
     * @throws SectionTakenException when another running integration has a section with one of their ids, or serves a
     *                               path one of them would hold
     */
    public synchronized void add(String integration, String pluginId, ClassLoader loader,
                                 List<PublicSection> sections, List<PluginRoute> served) {
        List<Registered> mine = new ArrayList<>();
        for (PublicSection s : sections) {
            String id = checkedId(s);
            Optional<Registered> other = find(id).filter(r -> !r.integration().equals(integration));
            if (other.isPresent() || mine.stream().anyMatch(r -> r.id().equals(id))) {
                throw new SectionTakenException("public section /" + id + " is already shown by integration "
                    + other.map(Registered::integration).orElse(integration));
            }
            PluginRoute held = HubHttpComponent.takenBy(route(id, pluginId, integration), served);
            if (held != null) {
                String path = PluginRoute.trimmed(held.path());
                throw new SectionTakenException("public section /" + id + " is refused: path " + path
                    + (held.integration() == null ? " is already served by the hub itself: choose another section id"
                    : " is already served by integration " + held.integration() + ": choose another section id or "
                    + "delete integration " + held.integration()));
            }
            String root = s.assets();
            Assets assets = root == null ? null : Assets.of(loader, root, ASSETS + id + "/");
            mine.add(new Registered(s, id, integration, pluginId, loader, assets, titles(s, loader)));
        }
        if (mine.isEmpty()) {
            remove(integration);
            return;
        }
        byIntegration.put(integration, List.copyOf(mine));
        publish();
    }

    /**
     * The section's titles, asked once here (on the integration's start, with its plugin's class loader): every page's
     * navigation shows them, so a section whose {@code title} is slow or fails must not hold every page.
     */
    private static Map<String, String> titles(PublicSection s, ClassLoader loader) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            Map<String, String> titles = new java.util.HashMap<>();
            for (String language : List.of("de", "en")) {
                String title = s.title(language);
                if (title == null || title.isBlank()) {
                    throw new IllegalArgumentException("public section " + s.id() + " has no title in " + language);
                }
                titles.put(language, title);
            }
            return Map.copyOf(titles);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** Hides an integration's sections (it stopped, paused or failed); nothing if it has none. */
    public synchronized void remove(String integration) {
        if (byIntegration.remove(integration) != null) {
            publish();
        }
    }

    /** The running sections in their order (then by id). */
    public List<Registered> running() {
        return running;
    }

    /** The URLs the running sections hold ({@link Registered#route}), for the hub's HTTP consumer. */
    public List<PluginRoute> routes() {
        return routes;
    }

    /** Changes whenever a section comes or goes. */
    public long version() {
        return version.get();
    }

    /** The running section with this id. */
    public Optional<Registered> find(String id) {
        for (Registered r : running) {
            if (r.id().equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private void publish() {
        List<Registered> all = new ArrayList<>();
        byIntegration.values().forEach(all::addAll);
        all.sort(Comparator.comparingInt((Registered r) -> r.section().order()).thenComparing(Registered::id));
        running = List.copyOf(all);
        routes = all.stream().map(Registered::route).toList();
        version.incrementAndGet();
    }
}
