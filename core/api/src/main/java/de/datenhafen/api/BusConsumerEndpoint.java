package de.datenhafen.api;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code bus:} URI a route consumes from, built instead of written by hand: the event types (names or patterns
 * such as {@code air.*}), the subscription that keeps the route's place on the bus, an optional subject prefix, and
 * how many events one exchange carries. Get one from {@link IntegrationContext#busConsumer(String...)} inside
 * {@link Connector#routes(IntegrationContext)} and pass it to {@code from(...)}:
 *
 * <pre>{@code
 * from(ctx.busConsumer("air.reading").subscription("projections").maxBatch(500).uri())
 * }</pre>
 *
 * <p>Immutable: each setter returns a new value. {@link #uri()} throws {@link IllegalArgumentException} naming what
 * is missing or out of range, so a bad consumer fails the integration's start with that reason.
 *
 * @since 1.1
 */
public final class BusConsumerEndpoint {

    /** The most events one exchange may carry (the hub's limit). */
    public static final int MAX_BATCH = 10_000;
    /**
     * The most characters a consumer's types have together, a comma between two (what one subscription keeps).
     *
     * @since 1.14
     */
    public static final int MAX_TYPES_CHARS = 4000;
    /**
     * The most characters of a consumer's subject prefix (what one subscription keeps).
     *
     * @since 1.14
     */
    public static final int MAX_SUBJECT_PREFIX_CHARS = 1024;
    /** An event type or a pattern ending in {@code *}, as {@link ConfigCheck#eventTypes} checks them too. */
    static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\*?|\\*");

    private final List<String> types;
    private final String subscription;
    private final String subjectPrefix;
    private final int maxBatch;

    private BusConsumerEndpoint(List<String> types, String subscription, String subjectPrefix, int maxBatch) {
        this.types = types;
        this.subscription = subscription;
        this.subjectPrefix = subjectPrefix;
        this.maxBatch = maxBatch;
    }

    /**
     * Events of these types: names ({@code air.reading}) or a prefix pattern ending in {@code *} ({@code air.*}).
     *
     * @throws IllegalArgumentException when none is given, one is malformed, or they have more than
     *     {@value #MAX_TYPES_CHARS} characters together
     */
    public static BusConsumerEndpoint of(String... types) {
        List<String> list = List.of(types);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a bus consumer needs at least one event type");
        }
        for (String t : list) {
            if (!TYPE.matcher(t).matches()) {
                throw new IllegalArgumentException("'" + t + "' is not an event type or pattern (air.reading, air.*)");
            }
        }
        int chars = String.join(",", list).length();
        if (chars > MAX_TYPES_CHARS) {
            throw new IllegalArgumentException("a bus consumer's types have at most " + MAX_TYPES_CHARS
                + " characters together; these have " + chars);
        }
        return new BusConsumerEndpoint(list, null, null, 1);
    }

    /** The subscription's name, unique within the integration; required. Its place on the bus survives restarts. */
    public BusConsumerEndpoint subscription(String name) {
        return new BusConsumerEndpoint(types, Objects.requireNonNull(name, "subscription"), subjectPrefix, maxBatch);
    }

    /**
     * Only events whose subject starts with {@code prefix}.
     *
     * @throws IllegalArgumentException when the prefix cannot go to the endpoint as it is ({@link
     *     EndpointValues#problem}: it goes as Camel's {@code RAW(...)} or {@code RAW{...}}, never decoded or split), or
     *     is longer than {@value #MAX_SUBJECT_PREFIX_CHARS} characters
     */
    public BusConsumerEndpoint subjectPrefix(String prefix) {
        if (prefix != null) {
            if (prefix.length() > MAX_SUBJECT_PREFIX_CHARS) {
                throw new IllegalArgumentException("a bus consumer's subjectPrefix has at most "
                    + MAX_SUBJECT_PREFIX_CHARS + " characters; this one has " + prefix.length());
            }
            EndpointValues.raw("a bus consumer's subjectPrefix", prefix);
        }
        return new BusConsumerEndpoint(types, subscription, prefix, maxBatch);
    }

    /**
     * Up to {@code n} events per exchange (default 1): above 1 the body is a {@code List<BusEvent>} with
     * {@link BusHeaders#SEQUENCES} and {@link BusHeaders#TYPES} set, and the batch is acknowledged as a whole.
     */
    public BusConsumerEndpoint maxBatch(int n) {
        return new BusConsumerEndpoint(types, subscription, subjectPrefix, n);
    }

    /**
     * The endpoint URI for {@code from(...)}.
     *
     * @throws IllegalArgumentException without a subscription, or with a batch size outside 1 to {@value #MAX_BATCH}
     */
    public String uri() {
        if (subscription == null || subscription.isBlank()) {
            throw new IllegalArgumentException("bus consumer of " + String.join(",", types)
                + " needs a subscription: it keeps the route's place on the bus");
        }
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new IllegalArgumentException("bus consumer maxBatch must be between 1 and " + MAX_BATCH + ", was "
                + maxBatch);
        }
        StringBuilder b = new StringBuilder("bus:").append(String.join(",", types))
            .append("?subscription=").append(EndpointValues.raw("a bus consumer's subscription", subscription));
        if (subjectPrefix != null) {
            b.append("&subjectPrefix=").append(EndpointValues.raw("a bus consumer's subjectPrefix", subjectPrefix));
        }
        if (maxBatch != 1) {
            b.append("&maxBatch=").append(maxBatch);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "BusConsumerEndpoint" + types + " subscription=" + subscription
            + (subjectPrefix == null ? "" : " subjectPrefix=" + subjectPrefix) + " maxBatch=" + maxBatch;
    }

}
