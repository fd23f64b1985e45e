package de.datenhafen.core.integration;

import java.util.List;
import java.util.Optional;

/**
 * Integrations the hub runs itself rather than a plugin's connector (flows): the integrations API lists them beside
 * the plugins', and its pause, resume, restart and delete reach them by name. Implementations must not call back
 * into {@link IntegrationManager}'s synchronized methods (it calls them while it holds its lock).
 */
public interface HubIntegrations {

    /** None: a hub without flows (tests that build an {@link IntegrationManager} alone). */
    HubIntegrations NONE = new HubIntegrations() {
        @Override
        public List<IntegrationView> views() {
            return List.of();
        }

        @Override
        public Optional<IntegrationView> view(String name) {
            return Optional.empty();
        }

        @Override
        public IntegrationView pause(String name) {
            throw new IllegalStateException("no hub integration " + name);
        }

        @Override
        public IntegrationView resume(String name) {
            throw new IllegalStateException("no hub integration " + name);
        }

        @Override
        public IntegrationView restart(String name) {
            throw new IllegalStateException("no hub integration " + name);
        }

        @Override
        public void delete(String name) {
            throw new IllegalStateException("no hub integration " + name);
        }
    };

    List<IntegrationView> views();

    /** The view of one, or empty when it has none of that name. */
    Optional<IntegrationView> view(String name);

    default boolean has(String name) {
        return view(name).isPresent();
    }

    IntegrationView pause(String name);

    IntegrationView resume(String name);

    IntegrationView restart(String name);

    void delete(String name);

    /**
     * Stops one because its own route asked (a webhook target answered 410 Gone), keeping {@code reason} for the
     * admin API; it stays stopped until resumed. Called on the hub's scheduler, never under the manager's lock.
     */
    default void stopItself(String name, String reason) {
        pause(name);
    }
}
