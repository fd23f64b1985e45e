package de.datenhafen.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Builds batches of realistic indoor air-quality readings as a CloudEvents JSON batch
 * ({@code application/cloudevents-batch+json}): type {@code air.reading}, one source per monitor (2,500, as in the
 * schools), subject {@code school/room}, data {@code {co2, temperature, humidity, pressure}}.
 *
 * <p>Ids are {@code <prefix>-<n>} with a counter, unique within one generator; give each generator its own prefix.
 * Not thread-safe: one generator per thread (or per event loop).
 */
public final class AirReadings {

    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";
    public static final int MONITORS = 2_500;

    private final String idPrefix;
    private final SplittableRandom random;
    private long next;

    public AirReadings(String idPrefix, long seed) {
        if (idPrefix == null || idPrefix.isBlank()) {
            throw new IllegalArgumentException("idPrefix must not be blank");
        }
        this.idPrefix = idPrefix;
        this.random = new SplittableRandom(seed);
    }

    /** How many events this generator has produced; the next event's counter. */
    public long produced() {
        return next;
    }

    /** A JSON array of {@code size} events, each with a fresh id. */
    public byte[] batch(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a batch needs at least one event, asked for " + size);
        }
        StringBuilder sb = new StringBuilder(size * 330);
        String time = Instant.now().toString();
        sb.append('[');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendEvent(sb, time);
        }
        return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private void appendEvent(StringBuilder sb, String time) {
        int monitor = random.nextInt(MONITORS);
        int school = monitor / 50;
        int room = monitor % 50;
        sb.append("{\"specversion\":\"1.0\",\"id\":\"").append(idPrefix).append('-').append(next++)
            .append("\",\"source\":\"urn:stadtwerke:lorawan:aq-").append(monitor)
            .append("\",\"type\":\"air.reading\",\"subject\":\"school-").append(school).append("/room-")
            .append(100 + room).append("\",\"time\":\"").append(time)
            .append("\",\"datacontenttype\":\"application/json\",\"data\":{\"co2\":")
            .append(420 + random.nextInt(1400))
            .append(",\"temperature\":").append(tenths(180 + random.nextInt(80)))
            .append(",\"humidity\":").append(tenths(250 + random.nextInt(400)))
            .append(",\"pressure\":").append(tenths(9900 + random.nextInt(400)))
            .append("}}");
    }

    private static String tenths(int v) {
        return (v / 10) + "." + (v % 10);
    }
}
