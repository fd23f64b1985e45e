package de.datenhafen.plugins.transit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The plugin's feeds by name; one per {@code gtfs-schedule} integration, shared with its realtime integrations. */
public final class Feeds {

    private final Map<String, FeedState> feeds = new ConcurrentHashMap<>();

    public FeedState feed(String name) {
        return feeds.computeIfAbsent(name, FeedState::new);
    }

    public FeedState existing(String name) {
        return feeds.get(name);
    }

    void clear() {
        feeds.clear();
    }
}
