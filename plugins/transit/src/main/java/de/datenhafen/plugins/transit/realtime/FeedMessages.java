package de.datenhafen.plugins.transit.realtime;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import java.io.IOException;

/**
 * Reads a GTFS-Realtime {@code FeedMessage} from outside (a poll's body, a push, a file) within limits: its bytes, and
 * its entities, which are counted in a first pass over the wire format that builds nothing, before the message is
 * parsed. A parsed entity costs a few hundred bytes of heap while its wire form may be four, so a message of a few MB
 * of empty entities would otherwise take hundreds of MB before anything could refuse it. The same pass walks into every
 * nested message and bounds what becomes an object of its own at any depth: each repeated field's elements in one
 * message ({@link #MAX_REPEATED}) and, over the whole message, the nested messages, texts and unknown fields
 * ({@link #MAX_ELEMENTS}). Counting entities alone let one entity of 8.3 million empty {@code stop_time_update}s
 * (2 bytes each on the wire, 16.6 MB) take a 1 GiB heap.
 */
public final class FeedMessages {

    /** How deep messages may nest (a FeedMessage needs 6 levels; protobuf's own default is 100). */
    private static final int RECURSION = 32;

    /**
     * The most elements of one repeated field in one message below the entity ({@code stop_time_update} of a trip
     * update, {@code informed_entity}, {@code active_period} of an alert, {@code translation} of a text). The longest
     * scheduled trips stop a few hundred times (long-distance trains and night buses: under 300), and alerts in real
     * feeds name tens to a few hundred routes or stops and a handful of languages, so 1,000 leaves room while a
     * message of hostile repeats is refused early.
     */
    public static final int MAX_REPEATED = 1_000;

    /**
     * The most nested messages, texts and unknown fields (each of which becomes an object of its own, 50 to 150 bytes
     * of heap, while on the wire it may take 2) in the whole message. A trip update of 30 stops takes about 130 of
     * them, so this lets through some 7,500 such trips in one message, a city network at its busiest, and bounds the
     * parse of a hostile message to about 150 MB of heap.
     */
    public static final int MAX_ELEMENTS = 1_000_000;

    /** A message past a limit; the message names the limit. */
    public static final class TooLarge extends RuntimeException {
        public TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    private FeedMessages() {
    }

    /**
     * The message in {@code bytes}, which may be at most {@code maxBytes} long ({@code max-message-mb}) and hold at
     * most {@code maxEntities} entities ({@code max-entities}).
     *
     * @throws InvalidProtocolBufferException when the bytes are not a FeedMessage
     * @throws TooLarge                       past a limit
     */
    public static FeedMessage parse(byte[] bytes, long maxBytes, int maxEntities)
        throws InvalidProtocolBufferException {
        if (bytes.length > maxBytes) {
            throw new TooLarge("the message is " + bytes.length + " bytes; at most " + maxBytes + " (max-message-mb)");
        }
        CodedInputStream scan = CodedInputStream.newInstance(bytes);
        try {
            scan(scan, FeedMessage.getDescriptor(), 0, maxEntities, new int[1]);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(RECURSION);
        try {
            return FeedMessage.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    /**
     * Counts, without building anything, what a parse of the message {@code type} read from {@code in} (up to its
     * limit) would build, and throws {@link TooLarge} past a bound.
     */
    private static void scan(CodedInputStream in, Descriptor type, int depth, int maxEntities, int[] elements)
        throws IOException {
        if (depth > RECURSION) {
            throw new InvalidProtocolBufferException("the message nests deeper than " + RECURSION + " levels");
        }
        int[] repeated = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            boolean message = field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (field != null && field.isRepeated()) {
                if (depth == 0 && field.getNumber() == FeedMessage.ENTITY_FIELD_NUMBER) {
                    if (count(repeated = counts(repeated, type), field) > maxEntities) {
                        throw new TooLarge("the message has more than " + maxEntities + " entities (max-entities)");
                    }
                } else if (count(repeated = counts(repeated, type), field) > MAX_REPEATED) {
                    throw new TooLarge("a " + type.getName() + " has more than " + MAX_REPEATED + " "
                        + field.getName() + " (at most " + MAX_REPEATED + " of a repeated field in one message)");
                }
            }
            // a field of the wrong wire type is kept as an unknown field, as one of an unknown number is
            boolean object = field == null || message || WireFormat.getTagWireType(tag) != field.getLiteType()
                .getWireType() || field.getJavaType() == FieldDescriptor.JavaType.STRING
                || field.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING;
            if (object && ++elements[0] > MAX_ELEMENTS) {
                throw new TooLarge("the message has more than " + MAX_ELEMENTS + " nested messages, texts and "
                    + "unknown fields (at most " + MAX_ELEMENTS + " in one message)");
            }
            if (message) {
                int length = in.readRawVarint32();
                int outer = in.pushLimit(length);
                scan(in, field.getMessageType(), depth + 1, maxEntities, elements);
                in.popLimit(outer);
            } else if (!in.skipField(tag)) {
                // the parse refuses an end-group tag that closes no group too, wherever it is
                throw new InvalidProtocolBufferException("the message has an end-group tag that closes no group");
            }
        }
    }

    private static int[] counts(int[] counts, Descriptor type) {
        return counts != null ? counts : new int[type.getFields().size()];
    }

    private static int count(int[] counts, FieldDescriptor field) {
        return ++counts[field.getIndex()];
    }
}
