package de.datenhafen.core.bus;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hub's subscriptions as its admin API, flows and nodes use them: a {@link SubscriptionBackend} for the workers,
 * plus create, seek, position and delete. Two kinds: {@link JdbcSubscriptionBackend} (cursors in the database,
 * delivered under a lease) and {@link KafkaSubscriptionBackend} ({@code bus.kind=kafka}: each subscription a consumer
 * group, its cursor the group's committed offset, its dead letters in a topic). The subscriptions' names and filters
 * are in the database for both.
 */
public interface HubSubscriptions extends SubscriptionBackend, AutoCloseable {

    /** The kind of change notice a seek leaves for the other nodes (see {@link #changedElsewhere}). */
    String CHANGE = "subscription";

    /** Names, filters and (on the database) cursors. */
    SubscriptionStore store();

    DeadLetterStore deadLetterStore();

    /** The log the subscriptions read. */
    EventLog log();

    /** Makes a subscription whose next event is the first after {@code cursor}. */
    default Subscription create(String name, EventFilter filter, long cursor) {
        return store().create(name, filter, cursor);
    }

    /**
     * The subscription a consumer attaches to: as stored, or created at the log's end when new (read back when another
     * node created it meanwhile); a subscription that exists with another filter takes the new one.
     */
    default Subscription attachable(String name, EventFilter filter) {
        Subscription s = store().get(name).orElseGet(() -> {
            try {
                return create(name, filter, log().lastSequence());
            } catch (de.datenhafen.api.ConflictException e) {
                return store().get(name).orElseThrow(() -> e);
            }
        });
        if (!s.filter().equals(filter)) {
            store().updateFilter(name, filter);
        }
        return s;
    }

    /** Where the subscription's delivery stands now (the last sequence it is done with). */
    long position(String subscription);

    /** The node that delivers the subscription now, if known. */
    Optional<String> deliveredBy(String subscription);

    /**
     * Which node last moved the subscription's cursor, and under which token of its exclusive hold (the database's
     * lease token, a Kafka group's generation); empty before the first such move.
     */
    Optional<CursorMove> lastMove(String subscription);

    /**
     * A move of a cursor: by {@code node}, under {@code token} (null when no hold stood behind it: an admin's seek of a
     * Kafka group without members).
     */
    record CursorMove(String node, Long token) {
    }

    /**
     * The node delivering each subscription where no lease says so (on Kafka, a consumer group's assignment), by
     * subscription name, for the admin's view of which node runs what; empty where the leases tell it (the database).
     */
    default Map<String, String> deliverers() {
        return Map.of();
    }

    /** Who is told of each seek (by name), so that the node delivering the subscription takes the new position. */
    void onSeek(Consumer<String> told);

    /**
     * Moves a subscription so that the next event delivered is the first with sequence {@code nextSeq} or more;
     * an attached consumer picks the new position up before its next delivery.
     */
    Subscription seek(String subscription, long nextSeq);

    /** As {@link #seek}, to the first event stored at or after {@code time}. */
    Subscription seekToTime(String subscription, Instant time);

    /** Forgets what this node keeps of a subscription being deleted (its row is deleted by the caller). */
    void forget(String subscription);

    /** Another node moved the subscription (a seek there): this node takes the stored position if it delivers. */
    void changedElsewhere(String subscription);

    @Override
    default SubscriptionWorker.DeadLetters deadLetters() {
        DeadLetterStore store = deadLetterStore();
        return (subscription, event, error, attempts, firstFailed) ->
            store.add(subscription, event.sequence(), error, attempts, firstFailed);
    }

    @Override
    void close();
}
