package de.datenhafen.core.bus;

/**
 * Where subscriptions keep their cursors and dead letters: in the database, or with {@code bus.kind=kafka} in Kafka's
 * consumer groups and a topic (see {@link HubSubscriptions}).
 */
public interface SubscriptionBackend {

    /**
     * The cursor of the named subscription, created at the log's current end if the subscription is new. A
     * subscription that exists with another filter keeps its cursor and takes the new filter.
     */
    SubscriptionWorker.Cursor cursor(String subscription, EventFilter filter);

    /** Where undeliverable events of every subscription go. */
    SubscriptionWorker.DeadLetters deadLetters();

    /** The consumers running now, one per subscription at most. */
    SubscriptionConsumers consumers();
}
