package de.datenhafen.core.bus;

import de.datenhafen.api.BusHeaders;
import io.cloudevents.CloudEvent;
import java.util.List;

/**
 * How many times an event has come into a hub through a webhook: the hub's loop count. A flow or an integration can
 * send the events of a type to a webhook receiver (this hub's own, or another hub's that sends them back) that puts
 * them on the bus as that same type, with no {@code bus} block the flows' loop check could see; each round is a new
 * event (a new webhook-id), so duplicates do not end it either. So the count travels with the event:
 * <ul>
 * <li>a hub's webhook delivery carries the event's count plus one, as the CloudEvents extension attribute
 * {@value #EXTENSION} (in the body in structured mode, as the {@code ce-datenhafenhops} header in binary mode);</li>
 * <li>a webhook receiver refuses a delivery with more than {@value #MAX} (422) and puts the count on the event it
 * stores, as that extension attribute; anything made from the event on the way to the next sink (a flow's blocks, a
 * route's processing) keeps it through the exchange header {@link #HEADER};</li>
 * <li>a webhook sink does not send an event whose count is {@value #MAX} already: the event goes to the dead letters
 * with the reason, at once (another attempt would only repeat it).</li>
 * </ul>
 * A loop through webhooks so goes round {@value #MAX} times and ends in a dead letter. Events from outside cannot
 * set the attribute (the events API refuses it, the HTTP consumer drops request headers named like the hub's): a
 * sender could only lower the count it has, and it has none.
 */
public final class Hops {

    /** The CloudEvents extension attribute (lower-case letters and digits, as the specification wants). */
    public static final String EXTENSION = "datenhafenhops";
    /** The binary-mode header of the attribute. */
    public static final String CE_HEADER = "ce-" + EXTENSION;
    /**
     * The exchange header with an event's count, an {@code Integer}, absent for 0; set by a {@code bus:} consumer and
     * the webhook receivers' check, read by the {@code bus:} producer and the webhook sinks. Named with the hub's
     * prefix, so no request header or query parameter can set it.
     */
    public static final String HEADER = BusHeaders.PREFIX + "Hops";
    /** With {@code maxBatch} above 1: the counts of the batch's events in body order, a {@code List<Integer>}. */
    public static final String BATCH_HEADER = BusHeaders.PREFIX + "HopsOfBatch";
    /** The most webhook deliveries an event may have come through: a hub to another and back is 2. */
    public static final int MAX = 4;

    private Hops() {
    }

    /** The event's count: its extension attribute, 0 when absent or not a count. */
    public static int of(CloudEvent event) {
        return count(event.getExtension(EXTENSION));
    }

    /** A count from a header, an attribute or a list element: 0 when absent, negative or not a number. */
    public static int count(Object value) {
        long n;
        if (value instanceof Number number) {
            n = number.longValue();
        } else if (value instanceof String s) {
            try {
                // a whole number however written (5, 5.0, 5e0, +5); past an int as many as can be, so a sender
                // cannot make a count small by writing it large
                java.math.BigDecimal d = new java.math.BigDecimal(s.strip());
                if (d.signum() <= 0 || d.stripTrailingZeros().scale() > 0) {
                    return 0;
                }
                return d.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) >= 0 ? Integer.MAX_VALUE
                    : d.intValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                return 0;
            }
        } else {
            return 0;
        }
        return (int) Math.max(0, Math.min(n, Integer.MAX_VALUE));
    }

    /**
     * The count of one event made from a message: its {@link #HEADER}'s, or the largest of its {@link #BATCH_HEADER}
     * (a route that made one event of a consumer's batch).
     */
    public static int ofOne(Object header, Object batchHeader) {
        int most = count(header);
        if (batchHeader instanceof List<?> list) {
            for (Object each : list) {
                most = Math.max(most, count(each));
            }
        }
        return most;
    }

    /**
     * The counts of the {@code size} events of a message: each its own from {@link #BATCH_HEADER} when that has one
     * for each (a consumer's batch passed on as it came), else the largest of the message's for all (a route that
     * made one event of a batch, or a batch of one event, or changed a batch's order or length: no event's count is
     * lost, some may be counted higher). Null when all are 0.
     */
    public static int[] of(Object header, Object batchHeader, int size) {
        int[] out = new int[size];
        boolean any = false;
        if (batchHeader instanceof List<?> list && list.size() == size) {
            for (int i = 0; i < size; i++) {
                out[i] = count(list.get(i));
                any |= out[i] > 0;
            }
            return any ? out : null;
        }
        int all = ofOne(header, batchHeader);
        if (all == 0) {
            return null;
        }
        java.util.Arrays.fill(out, all);
        return out;
    }
}
