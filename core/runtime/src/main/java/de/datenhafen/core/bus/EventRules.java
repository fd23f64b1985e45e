package de.datenhafen.core.bus;

import de.datenhafen.api.InvalidInputException;
import io.cloudevents.CloudEvent;

/**
 * What the bus stores, whoever sends it (the events API or a plugin route): attributes within their columns'
 * lengths, without control characters (a NUL or a line break in an id is never what a sender meant, and would forge
 * log lines), and valid Unicode (an unpaired surrogate cannot be stored as UTF-8: two different ids would both become
 * {@code ?} and collide as duplicates). A refusal is a 400 naming the attribute. The column lengths are
 * {@link EventRows}'.
 */
public final class EventRules {

    /**
     * An event's data, in bytes. Events are messages, not files (CloudEvents brokers keep to a megabyte or less);
     * the bound keeps every page of the events API and every batch a subscriber takes to a known size.
     */
    public static final int MAX_DATA = 1024 * 1024;

    private EventRules() {
    }

    /**
     * Checks an event before it is stored.
     *
     * @param prefix what the field names start with ({@code "[3]."} in a batch, or empty)
     * @throws InvalidInputException naming the attribute at fault
     */
    public static void check(CloudEvent event, String prefix) {
        // the field's name is put together only for a refusal: every event is checked, twice on most ways in
        text(event.getId(), EventRows.MAX_ID, prefix, "id");
        text(event.getType(), EventRows.MAX_TYPE, prefix, "type");
        text(event.getSource().toString(), EventRows.MAX_SOURCE, prefix, "source");
        text(event.getSubject(), EventRows.MAX_SUBJECT, prefix, "subject");
        text(event.getDataContentType(), EventRows.MAX_CONTENT_TYPE, prefix, "datacontenttype");
        text(event.getDataSchema() == null ? null : event.getDataSchema().toString(), EventRows.MAX_DATA_SCHEMA,
            prefix, "dataschema");
        int dataBytes = event.getData() == null ? 0 : event.getData().toBytes().length;
        if (dataBytes > MAX_DATA) {
            throw new InvalidInputException(prefix + "data has " + dataBytes + " bytes; an event carries at most "
                + MAX_DATA + " (1 MiB)", prefix + "data");
        }
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            if (value instanceof String s) {
                text(s, EventRows.MAX_SOURCE, prefix, name);
            }
        }
    }

    private static void text(String value, int max, String prefix, String name) {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            String field = prefix + name;
            throw new InvalidInputException(field + " has " + value.length() + " characters; at most " + max
                + " are stored", field);
        }
        int printable = 0; // printable ASCII first, as nearly every attribute is, without the surrogate tests
        while (printable < value.length() && isPrintableAscii(value.charAt(printable))) {
            printable++;
        }
        for (int i = printable; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                String field = prefix + name;
                throw new InvalidInputException(field + " holds the control character U+"
                    + String.format("%04X", (int) c) + " at position " + i + "; attributes are printable text", field);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                String field = prefix + name;
                throw new InvalidInputException(field + " holds an unpaired UTF-16 surrogate at position " + i
                    + "; attributes must be valid Unicode", field);
            }
        }
    }

    private static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c < 0x7f;
    }
}
