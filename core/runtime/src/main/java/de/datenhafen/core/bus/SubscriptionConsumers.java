package de.datenhafen.core.bus;

import de.datenhafen.api.ConflictException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumers running now, one at most per subscription: who consumes it (an integration, or null for a route the
 * hub owns) and its worker, for the admin API's rate, replay and delete checks. Thread-safe.
 *
 * <p>Two consumers on one subscription would share a cursor and break the order per subject, so a second attach is
 * refused.
 */
public final class SubscriptionConsumers {

    /**
     * A running consumer.
     *
     * @param worker the worker that delivers to it
     * @param integration the integration whose route consumes, or null
     */
    public record Attached(SubscriptionWorker worker, String integration) {
    }

    private final Map<String, Attached> attached = new ConcurrentHashMap<>();

    /**
     * Records that {@code worker} now consumes its subscription.
     *
     * @throws ConflictException when another consumer is attached to the same subscription
     */
    public void attach(SubscriptionWorker worker, String integration) {
        Attached mine = new Attached(worker, integration);
        Attached other = attached.putIfAbsent(worker.name(), mine);
        if (other != null && other.worker() != worker) {
            throw taken(worker.name(), other);
        }
    }

    /**
     * Refuses a consumer before its cursor is made, as {@link #attach} would.
     *
     * @throws ConflictException when a consumer is attached to the subscription
     */
    public void checkFree(String subscription) {
        Attached other = attached.get(subscription);
        if (other != null) {
            throw taken(subscription, other);
        }
    }

    private static ConflictException taken(String subscription, Attached other) {
        return new ConflictException("subscription '" + subscription + "' is already consumed"
            + (other.integration() == null ? "" : " by integration '" + other.integration() + "'")
            + "; one consumer per subscription keeps its events in order", "subscription");
    }

    /** Forgets {@code worker}, if it is the one attached. */
    public void detach(SubscriptionWorker worker) {
        attached.computeIfPresent(worker.name(), (name, a) -> a.worker() == worker ? null : a);
    }

    /** The consumer of the subscription, if one runs. */
    public Optional<Attached> of(String subscription) {
        return Optional.ofNullable(attached.get(subscription));
    }
}
