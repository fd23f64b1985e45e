package de.datenhafen.core.integration;

import java.time.Instant;
import java.util.Map;

/**
 * An integration as the admin API shows it. Secret config values are replaced by {@code ********}.
 *
 * @param state {@code running}, {@code paused}, {@code failed} or {@code stopped}
 * @param attempts failed start attempts since the last successful start
 */
public record IntegrationView(String name, String connector, String plugin, String state, Map<String, Object> config,
                              long messagesIn, long messagesOut, long messagesFailed, String lastError,
                              Instant lastErrorAt, int attempts, Instant createdAt, Instant updatedAt,
                              String lastErrorCode, java.util.List<String> lastErrorValues) {

    /** An integration whose last error, if any, is in words only (a route's, a plugin's). */
    public IntegrationView(String name, String connector, String plugin, String state, Map<String, Object> config,
                           long messagesIn, long messagesOut, long messagesFailed, String lastError,
                           Instant lastErrorAt, int attempts, Instant createdAt, Instant updatedAt) {
        this(name, connector, plugin, state, config, messagesIn, messagesOut, messagesFailed, lastError, lastErrorAt,
            attempts, createdAt, updatedAt, null, java.util.List.of());
    }
}
