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
                              Instant lastErrorAt, int attempts, Instant createdAt, Instant updatedAt) {
}
