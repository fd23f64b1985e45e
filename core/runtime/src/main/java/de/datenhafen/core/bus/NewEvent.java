package de.datenhafen.core.bus;

import io.cloudevents.CloudEvent;
import java.util.Objects;

/**
 * An event on its way onto the bus.
 *
 * @param event the CloudEvents envelope; {@link EventRules} must hold (checked here, whoever built it)
 * @param member the member that owns it (the plugin's provider, or the token's member over HTTP)
 */
public record NewEvent(CloudEvent event, String member) {

    public NewEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(member, "member");
        EventRules.check(event, "");
    }

    @Override
    public String toString() {
        return "NewEvent{" + event.getType() + " " + event.getSource() + "#" + event.getId() + " by " + member + "}";
    }
}
