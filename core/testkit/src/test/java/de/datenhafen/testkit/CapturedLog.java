package de.datenhafen.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What the hub in this JVM logs while it is open: every event at the root logger, as an admin's log would show. */
final class CapturedLog implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private CapturedLog() {
        appender.start();
        root.addAppender(appender);
    }

    static CapturedLog start() {
        return new CapturedLog();
    }

    /** The events so far. */
    List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /** Each event's message with its exception's message, if any. */
    List<String> lines() {
        return events().stream().map(e -> e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
