package de.datenhafen.api;

/**
 * Names of the Camel message headers the {@code bus:} endpoint reads when an event goes on the bus and sets when
 * one comes off it. The message body is the event's data; for a consumer with {@code maxBatch} above 1 it is a
 * {@code List<BusEvent>}, and only {@link #SEQUENCE}, {@link #SEQUENCES} and {@link #TYPES} are set.
 */
public final class BusHeaders {

    /** The event's subject, for example {@code site-12/room-3.14}. Optional on the way in. */
    public static final String SUBJECT = "DatenhafenSubject";
    /** The event id; on the way in, optional (the hub makes one). Together with the source it is the dedup key. */
    public static final String ID = "DatenhafenEventId";
    /** The event source URI; on the way in, optional (the hub uses the integration's). */
    public static final String SOURCE = "DatenhafenEventSource";
    /**
     * The event type. Set on the way out; on the way in the endpoint path gives it, except for
     * {@link IntegrationContext#busByTypeHeader()}, where this header names each message's type.
     */
    public static final String TYPE = "DatenhafenEventType";
    /**
     * The {@code bus:} path that takes the type from {@link #TYPE}; use {@link IntegrationContext#busByTypeHeader()}.
     *
     * @since 1.1
     */
    public static final String BY_TYPE_HEADER = "by-type-header";
    /** The event time as an ISO-8601 instant; on the way in, optional (the hub uses now). */
    public static final String TIME = "DatenhafenEventTime";
    /** The content type of the data; on the way in, optional ({@code application/json}). */
    public static final String DATA_CONTENT_TYPE = "DatenhafenDataContentType";
    /** The sequence number the bus gave the event (the last one, for a batch). Set on the way out. */
    public static final String SEQUENCE = "DatenhafenSequence";
    /**
     * After a batch ({@code List<BusEvent>} body) went on the bus: the sequences the events got, a
     * {@code List<Long>} in the batch's order (a duplicate has the sequence of its earlier copy). On the way out
     * with {@code maxBatch} above 1: the sequences of the batch's events, in body order.
     */
    public static final String SEQUENCES = "DatenhafenSequences";
    /** On the way out with {@code maxBatch} above 1: the types of the batch's events, a {@code List<String>}. */
    public static final String TYPES = "DatenhafenEventTypes";
    /**
     * After the message went on the bus: how many of its events were already stored (same source and id) and so
     * were not added again, an {@code Integer} (0 when all were new). An ingest that answers "accepted" says
     * how many of those were duplicates, so a sender can tell a stored reading from one taken as a copy.
     */
    public static final String DUPLICATES = "DatenhafenDuplicates";
    /**
     * The prefix of every header the hub uses inside an exchange. The hub's HTTP consumer drops request headers and
     * query parameters whose names start with it (case-insensitively), so no outside input can set one.
     */
    public static final String PREFIX = "Datenhafen";
    /** The member that owns the event. Set on the way out. */
    public static final String MEMBER = "DatenhafenMember";
    /**
     * On a plugin's HTTP route: the {@link Caller} the hub authenticated, absent for a call without credentials (see
     * the endpoint option {@code access}).
     */
    public static final String CALLER = "DatenhafenCaller";

    private BusHeaders() {
    }
}
