package de.datenhafen.core.integration;

import java.time.Instant;
import java.util.Map;

/**
 * An integration as stored: its raw config (secret values encrypted) and the state the admin wants it in.
 *
 * @param desired {@code running} or {@code paused}
 */
record IntegrationRecord(String name, String connector, String pluginId, Map<String, Object> storedConfig,
                         String desired, Instant createdAt, Instant updatedAt) {

    IntegrationRecord withConfig(Map<String, Object> stored) {
        return new IntegrationRecord(name, connector, pluginId, stored, desired, createdAt, Instant.now());
    }

    IntegrationRecord withDesired(String state) {
        return new IntegrationRecord(name, connector, pluginId, storedConfig, state, createdAt, Instant.now());
    }
}
