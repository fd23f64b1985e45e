package de.datenhafen.core.bus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the dead letters are: in the database ({@link JdbcDeadLetterStore}) or, with {@code bus.kind=kafka}, in a
 * compacted topic ({@link KafkaDeadLetterStore}). Thread-safe. Pages are by id, which only grows: pass the last id of a
 * page as {@code afterId} to get the next.
 */
public interface DeadLetterStore {

    /** The longest error kept; longer ones are cut. */
    int MAX_ERROR = 4000;

    /**
     * Records that a subscription gave up on an event; the error is cut to {@value #MAX_ERROR} characters.
     *
     * @throws de.datenhafen.api.HubException when the subscription does not exist, or the storage cannot be written
     */
    DeadLetter add(String subscription, long eventSeq, String error, int attempts, Instant firstFailed);

    Optional<DeadLetter> get(long id);

    /** One page of a subscription's dead letters, oldest first. */
    default List<DeadLetter> list(String subscription, long afterId, int limit) {
        return list(DeadLetterFilter.ofSubscription(subscription), afterId, limit);
    }

    /** One page of the dead letters that match, oldest first. */
    List<DeadLetter> list(DeadLetterFilter filter, long afterId, int limit);

    /** How many dead letters match. */
    long count(DeadLetterFilter filter);

    /**
     * Records one more failed attempt (a replay that failed): attempts go up by one, the error and the time of the
     * last failure are replaced.
     *
     * @return the dead letter as it is now, or empty when it is gone
     */
    Optional<DeadLetter> recordFailure(long id, String error);

    /** The ids of every dead letter that matches, oldest first. */
    List<Long> ids(DeadLetterFilter filter);

    /** Deletes one (discarded, or replayed successfully); false when there was none. */
    boolean delete(long id);

    /** Deletes every dead letter that matches; returns how many. */
    int deleteMatching(DeadLetterFilter filter);

    /** The error as kept: cut to {@value #MAX_ERROR} characters, a placeholder for none. */
    static String cut(String error) {
        return error == null ? "(no message)" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
    }

    /** Refuses a page size below 1. */
    static void checkLimit(int limit) {
        if (limit < 1) {
            throw new de.datenhafen.api.InvalidInputException("limit must be at least 1, was " + limit, "limit");
        }
    }
}
