package de.datenhafen.core.bus;

import io.cloudevents.CloudEvent;
import java.util.Objects;

/**
 * An event as the bus keeps it.
 *
 * @param sequence the hub-assigned position in the log; strictly increasing in commit order, starting at 1
 * @param member the owning member
 * @param event the envelope as it was accepted
 */
public record StoredEvent(long sequence, String member, CloudEvent event) {

    public StoredEvent {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(event, "event");
    }

    @Override
    public String toString() {
        return "StoredEvent{#" + sequence + " " + event.getType() + " " + event.getSource() + "#" + event.getId()
            + (event.getSubject() == null ? "" : " subject=" + event.getSubject()) + "}";
    }
}
