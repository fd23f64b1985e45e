package de.datenhafen.core.ops;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import de.datenhafen.core.http.LogText;

/**
 * Logback's {@code %msg} for the hub's logs: the formatted message with control characters escaped, so a value from a
 * request (a header, a path, a plugin's error text) can never start a forged log line or drive an admin's terminal.
 * Stack traces are still written by {@code %ex}, one frame a line.
 */
public final class EscapedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        return message == null ? "" : LogText.escapeControls(message);
    }
}
