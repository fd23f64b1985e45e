package de.datenhafen.core.bus;

import java.time.Instant;

/**
 * Which dead letters an admin means, for listing, replaying or discarding many at once. A null field matches all.
 *
 * @param subscription only this subscription's
 * @param failedAfter only those that last failed at or after this time
 * @param failedBefore only those that last failed before this time
 * @param errorContains only those whose error contains this text
 */
public record DeadLetterFilter(String subscription, Instant failedAfter, Instant failedBefore, String errorContains) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null);

    public static DeadLetterFilter ofSubscription(String subscription) {
        return new DeadLetterFilter(subscription, null, null, null);
    }
}
