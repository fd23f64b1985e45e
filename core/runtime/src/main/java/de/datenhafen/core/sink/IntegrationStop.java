package de.datenhafen.core.sink;

/**
 * How a sink stops its own integration when its target says it wants nothing more (a webhook's 410 Gone): the
 * integration stops with the reason, which the admin API and the console show, until an admin resumes it. Called on
 * a delivery thread; the hub does the stop on a thread of its own, since stopping waits for that very delivery.
 */
@FunctionalInterface
public interface IntegrationStop {

    void stop(String integration, String reason);
}
