package de.datenhafen.core.http;

import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CloudEvents fast path's first try, read by hand: envelopes whose attributes are all strings of printable ASCII
 * without escapes, whose names are the attributes' own (lower-case letters), and whose data is already in the form the
 * codec would write ({@link CanonicalJson}); white space between the tokens as JSON allows it. That is how senders
 * write events (ids, sources, types and times are ASCII), and Jackson's parser for these bodies was a fifth of the
 * events door's CPU under the harness's load: it read each data value twice (once to find where it ends as it came,
 * once to move past it) and looked every name up in its symbol table.
 *
 * <p>Anything else makes it give up (null), and the body goes to Jackson's streaming parser as before, which gives up
 * in its turn to the full way: a non-ASCII or escaped string, a number or {@code null} as an attribute, another
 * name, an empty batch or envelope, anything after the closing bracket. What it takes, it hands to the same
 * {@link CloudEventsCodec.Envelope} as the streaming parser, so both give the same event ({@code CloudEventsCodecTest}
 * holds them to that, body by body). What it takes keeps to {@link StrictJson}'s rules without that check's cost:
 * attributes of printable ASCII, each name once, data in the canonical form (well-formed UTF-8, no <code>&#92;u</code>
 * escapes, each name once in an object).
 */
final class CompactEnvelopes {

    /**
     * Attribute values that repeat from event to event (sources, types, content types; not ids and times), the last
     * read in each slot: one {@code String} for each, whose hash is then worked out once, not for every event again
     * by the source cache, the chunk's string table and its type counts, the last two on the bus's one writer
     * thread. Shared by all threads: a slot holds a whole {@code String} or another one, and a lost write costs only
     * a copy.
     */
    private static final String[] RECENT = new String[4096];
    /**
     * The longest value shared through {@link #RECENT}: it is filled before the event's checks, so a longer value (of a
     * body that is then refused) would be kept there, up to the body's size in each slot.
     */
    static final int MAX_SHARED = 255;

    private CompactEnvelopes() {
    }

    /** The events of a batch ({@code array}) or of one structured event; null when this way does not read it. */
    static List<CloudEvent> read(byte[] body, boolean array) {
        try {
            return new Scan(body).events(array);
        } catch (RuntimeException e) {
            return null; // the body ended early (an index out of the array), or an attribute was refused
        }
    }

    private static final class Scan {
        private final byte[] b;
        private int i;

        Scan(byte[] body) {
            this.b = body;
        }

        List<CloudEvent> events(boolean array) {
            space();
            if (!array) {
                CloudEvent e = envelope();
                return e != null && atEnd() ? List.of(e) : null;
            }
            if (b[i] != '[') {
                return null;
            }
            i++;
            space();
            List<CloudEvent> out = new ArrayList<>();
            while (true) {
                CloudEvent e = envelope();
                if (e == null) {
                    return null;
                }
                out.add(e);
                space();
                if (b[i] == ']') {
                    i++;
                    return atEnd() ? out : null;
                }
                if (b[i] != ',') {
                    return null;
                }
                i++;
                space();
            }
        }

        /** One envelope at {@code i}, {@code i} then after it; null to give up. */
        private CloudEvent envelope() {
            if (b[i] != '{') {
                return null;
            }
            i++;
            CloudEventsCodec.Envelope envelope = new CloudEventsCodec.Envelope();
            while (true) {
                space();
                String name = name();
                if (name == null || !envelope.first(name)) {
                    return null;
                }
                space();
                if (b[i] != ':') {
                    return null;
                }
                i++;
                space();
                if (name.equals("data")) {
                    int end = b[i] == 'n' ? -1 : CanonicalJson.end(b, i); // null data: the other ways decide
                    if (end < 0) {
                        return null;
                    }
                    envelope.data = Arrays.copyOfRange(b, i, end);
                    i = end;
                } else {
                    String text = text(!name.equals("id") && !name.equals("time"));
                    if (text == null || !envelope.attribute(name, text)) {
                        return null;
                    }
                }
                space();
                if (b[i] == '}') {
                    i++;
                    return envelope.event();
                }
                if (b[i] != ',') {
                    return null;
                }
                i++;
            }
        }

        /** An attribute's name at {@code i}; null for any other name. */
        private String name() {
            if (b[i] != '"') {
                return null;
            }
            int from = ++i;
            while (b[i] >= 'a' && b[i] <= 'z') {
                i++;
            }
            if (b[i] != '"') {
                return null;
            }
            int length = i - from;
            i++;
            String name = switch (length) {
                case 2 -> "id";
                case 4 -> b[from + 1] == 'y' ? "type" : b[from + 1] == 'i' ? "time" : "data";
                case 6 -> "source";
                case 7 -> "subject";
                case 10 -> "dataschema";
                case 11 -> "specversion";
                case 15 -> "datacontenttype";
                default -> null;
            };
            return name != null && same(name, from) ? name : null;
        }

        private boolean same(String name, int from) {
            for (int k = 0; k < name.length(); k++) {
                if (b[from + k] != name.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * A string of printable ASCII without escapes at {@code i}; null for any other value. When {@code shared}, the
         * same text read before is the same {@code String} (see {@link #RECENT}).
         */
        private String text(boolean shared) {
            if (b[i] != '"') {
                return null;
            }
            int from = ++i;
            int hash = 0;
            while (true) {
                byte c = b[i];
                if (c == '"') {
                    break;
                }
                if (c < 0x20 || c > 0x7e || c == '\\') {
                    return null;
                }
                hash = 31 * hash + c;
                i++;
            }
            int length = i++ - from;
            if (!shared || length > MAX_SHARED) {
                return new String(b, from, length, StandardCharsets.ISO_8859_1);
            }
            int slot = (hash ^ hash >>> 16) & (RECENT.length - 1);
            String recent = RECENT[slot];
            if (recent != null && recent.length() == length && same(recent, from)) {
                return recent;
            }
            String text = new String(b, from, length, StandardCharsets.ISO_8859_1);
            RECENT[slot] = text;
            return text;
        }

        /** JSON's white space: space, tab, line feed, carriage return. */
        private void space() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
                i++;
            }
        }

        private boolean atEnd() {
            space();
            return i == b.length;
        }
    }
}
