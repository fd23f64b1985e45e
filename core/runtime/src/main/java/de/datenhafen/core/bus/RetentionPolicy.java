package de.datenhafen.core.bus;

import de.datenhafen.api.InvalidInputException;
import java.time.Duration;

/**
 * How long events of some types are kept: at most {@code maxAge} after they were stored and/or at most the newest
 * {@code maxCount} of each type; an event goes when either limit says so. Types without a policy are kept.
 *
 * @param typePattern an exact type or a prefix ending in {@code *}, as in {@link EventFilter}; where several
 *     patterns match a type, the exact one wins, then the longest prefix
 * @param maxAge the age after which events go, or null for no age limit
 * @param maxCount how many of the newest events of each matching type stay, or null for no count limit
 */
public record RetentionPolicy(String typePattern, Duration maxAge, Long maxCount) {

    public RetentionPolicy {
        new EventFilter(java.util.List.of(typePattern == null ? "" : typePattern), null); // validates the pattern
        if (maxAge == null && maxCount == null) {
            throw new InvalidInputException("retention for '" + typePattern + "' needs a maximum age or count",
                "maxAge");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new InvalidInputException("maximum age must be positive, was " + maxAge, "maxAge");
        }
        if (maxCount != null && maxCount < 0) {
            throw new InvalidInputException("maximum count must be 0 or more, was " + maxCount, "maxCount");
        }
    }

    public static RetentionPolicy maxAge(String typePattern, Duration maxAge) {
        return new RetentionPolicy(typePattern, maxAge, null);
    }

    public static RetentionPolicy maxCount(String typePattern, long maxCount) {
        return new RetentionPolicy(typePattern, null, maxCount);
    }

    boolean matches(String type) {
        return typePattern.endsWith("*") ? type.startsWith(typePattern.substring(0, typePattern.length() - 1))
            : type.equals(typePattern);
    }

    /** Higher wins: an exact type over any prefix, a longer prefix over a shorter. */
    int specificity() {
        return typePattern.endsWith("*") ? typePattern.length() : Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return "keep " + typePattern + (maxAge == null ? "" : " for " + maxAge)
            + (maxCount == null ? "" : " at most " + maxCount);
    }
}
