package de.datenhafen.core.bus;

/** Hands one event to a subscriber. Returning normally means the subscriber has it; throwing means retry. */
@FunctionalInterface
public interface Delivery {

    void deliver(StoredEvent event) throws Exception;
}
