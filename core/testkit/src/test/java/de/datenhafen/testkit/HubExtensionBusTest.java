package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's public view of the bus, which plugin tests use instead of the hub's own classes: {@link
 * HubExtension#publish}, {@link HubExtension#events}, {@link HubExtension#awaitEvents}, and raw bytes with headers
 * through {@link HubClient#send(String, String, Map, byte[])}. Each test has event types of its own.
 */
class HubExtensionBusTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void readsPublishedEventsBackInOrderWithTheirAttributesAndOwner() {
        String type = newType();
        Instant t = Instant.parse("2026-11-30T08:15:00Z");

        List<Long> sequences = hub.publish("Luftblick Sensorik GmbH", List.of(
            NewBusEvent.json(type, "gs-nord/1.01", "{\"co2\":800}").withId("a").withTime(t),
            NewBusEvent.json(type, "gs-nord/1.02", "{\"co2\":900}").withId("b")));

        List<RecordedEvent> events = hub.events(type);
        assertThat(events).extracting(RecordedEvent::sequence).containsExactlyElementsOf(sequences);
        RecordedEvent first = events.get(0);
        assertThat(first.id()).isEqualTo("a");
        assertThat(first.source()).isEqualTo(NewBusEvent.TEST_SOURCE);
        assertThat(first.member()).isEqualTo("Luftblick Sensorik GmbH");
        assertThat(first.subject()).isEqualTo("gs-nord/1.01");
        assertThat(first.time()).isEqualTo(t);
        assertThat(first.dataContentType()).isEqualTo("application/json");
        assertThat(first.json().getInteger("co2")).isEqualTo(800);
        assertThat(events.get(1).time()).isNull();
    }

    @Test
    void aRepublishedEventIsADuplicateWithTheSequenceOfTheFirstCopy() {
        String type = newType();
        NewBusEvent e = NewBusEvent.json(type, "s", "{}");

        long first = hub.publish("test", List.of(e)).get(0);

        assertThat(hub.publish("test", List.of(e))).containsExactly(first);
        assertThat(hub.events(type)).hasSize(1);
    }

    @Test
    void matchesTypesByPrefixPattern() {
        String type = newType();
        hub.publish("test", List.of(NewBusEvent.json(type + ".a", null, "{}"), NewBusEvent.json(type + ".b", null, "{}")));

        assertThat(hub.events(type + ".*")).extracting(RecordedEvent::type).containsExactly(type + ".a", type + ".b");
        assertThat(hub.events(type + ".b")).hasSize(1);
    }

    @Test
    void awaitsAnEventPostedAsRawBytesWithHeadersOverHttp(HubClient client) {
        String type = newType();
        byte[] body = "{\"free\":12}".getBytes(StandardCharsets.UTF_8);

        HubClient.Response r = client.send("POST", "/api/v1/events", Map.of("ce-specversion", "1.0", "ce-id", "raw-1",
            "ce-source", "/garage", "ce-type", type, "ce-subject", "garage-7", "Content-Type", "application/json"), body);

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        RecordedEvent e = hub.awaitEvents(type, 1).get(0);
        assertThat(e.subject()).isEqualTo("garage-7");
        assertThat(e.data()).isEqualTo(body);
    }

    @Test
    void awaitingMoreEventsThanArriveFailsNamingWhatTheBusHas() {
        String type = newType();
        hub.publish("test", List.of(NewBusEvent.json(type, "only", "{}").withId("only-one")));

        assertThatThrownBy(() -> hub.awaitEvents(type, 2, Duration.ofMillis(300)))
            .isInstanceOf(AssertionError.class)
            .hasMessageStartingWith("expected at least 2 " + type + " events within PT0.3S, the bus has 1: [#")
            .hasMessageContaining(type + " /tests#only-one subject=only by test");
    }

    private static String newType() {
        return "test.t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
