package de.datenhafen.core.bus;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Event times for the paths every event takes. {@code Instant.atOffset} and {@code OffsetDateTime.ofInstant} ask the
 * offset for its rules, and Java 17 builds new {@code ZoneRules} (with a {@code ConcurrentHashMap}) on every such call:
 * 3 % of the bytes the hub allocated under the harness's load of {@code POST /api/v1/events}. This takes the same
 * way through {@link LocalDateTime#ofEpochSecond}, which does not.
 */
public final class Times {

    private Times() {
    }

    /** The instant at the offset: what {@code instant.atOffset(offset)} gives. */
    public static OffsetDateTime at(Instant instant, ZoneOffset offset) {
        return at(instant.getEpochSecond(), instant.getNano(), offset);
    }

    /** The second and nanosecond after the epoch at the offset. */
    public static OffsetDateTime at(long epochSecond, int nanos, ZoneOffset offset) {
        return OffsetDateTime.of(LocalDateTime.ofEpochSecond(epochSecond, nanos, offset), offset);
    }
}
