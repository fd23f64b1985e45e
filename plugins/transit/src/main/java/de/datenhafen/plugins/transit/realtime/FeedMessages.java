package de.datenhafen.plugins.transit.realtime;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import java.io.IOException;

/**
 * Reads a GTFS-Realtime {@code FeedMessage} from outside (a poll's body, a push, a file) within limits: its bytes, and
 * its entities, which are counted in a first pass over the wire format that builds nothing, before the message is
 * parsed. A parsed entity costs a few hundred bytes of heap while its wire form may be four, so a message of a few MB
 * of empty entities would otherwise take hundreds of MB before anything could refuse it.
 */
public final class FeedMessages {

    /** How deep messages may nest (a FeedMessage needs 6 levels; protobuf's own default is 100). */
    private static final int RECURSION = 32;

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
        int entities = 0;
        try {
            for (int tag = scan.readTag(); tag != 0; tag = scan.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == FeedMessage.ENTITY_FIELD_NUMBER
                    && ++entities > maxEntities) {
                    throw new TooLarge("the message has more than " + maxEntities + " entities (max-entities)");
                }
                if (!scan.skipField(tag)) {
                    break; // an end-group tag at the top level: the parse below says what is wrong
                }
            }
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
}
