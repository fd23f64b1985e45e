package de.datenhafen.core.bus;

import java.time.Instant;
import java.util.Objects;

/**
 * An event a subscription could not deliver after its retries.
 *
 * @param id the dead letter's own id
 * @param subscription the subscription that gave up
 * @param eventSeq the event's sequence in the log (retention may have deleted the event since)
 * @param error the last error, as the subscriber reported it (at most 4000 characters)
 * @param attempts how often delivery was tried
 * @param firstFailed when delivery first failed
 * @param lastFailed when it last failed
 */
public record DeadLetter(long id, String subscription, long eventSeq, String error, int attempts,
                         Instant firstFailed, Instant lastFailed) {

    public DeadLetter {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(firstFailed, "firstFailed");
        Objects.requireNonNull(lastFailed, "lastFailed");
    }

    @Override
    public String toString() {
        return "DeadLetter{#" + id + " " + subscription + " event " + eventSeq + " after " + attempts + " attempts: "
            + error + "}";
    }
}
