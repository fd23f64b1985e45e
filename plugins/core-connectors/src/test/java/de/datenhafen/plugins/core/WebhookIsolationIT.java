package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two webhook targets on the same events, one of them hanging: the other's delivery rate stays near its rate alone
 * (at least 65 %: a target coupled to the hanging one delivers nothing, or half, or 54 % when sharing with a working
 * one). Each target has its own subscription thread and its own HTTP client, so a hanging one holds nothing the
 * other needs.
 *
 * <p>Measured as a pair, close together in time, so that a shared machine's load falls on both alike: a control
 * target alone on its events ({@code iso.alone}) and a target beside a hanging one ({@code iso.beside}) each get the
 * same number of events in a round, one after the other, the order turning each round; many short rounds, so that the
 * two halves of a round see the same load. A target's rate is one over its median time between two deliveries, over
 * all rounds after a warm-up.
 *
 * <p>Why so: with both targets' events in the same appends the two subscription threads competed for two cores with
 * each other and with the build's other module, and the time each took measured which one the scheduler ran first (CI
 * runs had rounds from 48 % to 172 %, and failed the bound with no coupling between the targets). In nine long rounds
 * one after the other a round's time still swung by half, the hub's own background work and the JVM's collections
 * landing in one half or the other, and the total missed 90 % on a calm machine. With 30 short rounds and the median
 * interval: 97 to 101 % here, 100 to 109 % with two busy loops beside the test. A target that waited on the hanging one
 * would deliver nothing (the hanging target holds for 300 s), and one that shared a thread, a client or the processor
 * with it would deliver slower throughout: with the third target answering instead of hanging, so that it works beside
 * the second, this measure gave 54 %.
 */
class WebhookIsolationIT {

    /** Per target and round: about 0.1 s of delivery here. */
    private static final int EVENTS = 250;
    private static final int ROUNDS = 30;

    @RegisterExtension
    // the receivers are on 127.0.0.1: sinks reach public addresses only unless the hub's operator lists more
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("sinks.allowed-private-hosts", "127.0.0.1").build();

    @Test
    void aHangingTargetDoesNotSlowAnotherTargetOfTheSameEvents(HubClient client) throws Exception {
        try (WebhookReceiver control = new WebhookReceiver(WebhookSinkIT.SECRET);
             WebhookReceiver fast = new WebhookReceiver(WebhookSinkIT.SECRET);
             WebhookReceiver hanging = new WebhookReceiver(WebhookSinkIT.SECRET)) {
            hanging.answers = n -> WebhookReceiver.HANG;
            WebhookSinkIT.create(client, "alone", WebhookSinkIT.config("iso.alone", control.url("/a")));
            WebhookSinkIT.create(client, "stuck", WebhookSinkIT.config("iso.beside", hanging.url("/h"))
                .put("timeout-seconds", 300));
            WebhookSinkIT.create(client, "beside", WebhookSinkIT.config("iso.beside", fast.url("/b")));
            phase("iso.alone", control); // warm-up
            phase("iso.beside", fast);
            List<Long> aloneGaps = new ArrayList<>();
            List<Long> besideGaps = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                if (i % 2 == 0) {
                    aloneGaps.addAll(phase("iso.alone", control));
                    besideGaps.addAll(phase("iso.beside", fast));
                } else {
                    besideGaps.addAll(phase("iso.beside", fast));
                    aloneGaps.addAll(phase("iso.alone", control));
                }
            }
            assertThat(hanging.requests()).isEqualTo(1); // the stuck target still holds its first event
            double alone = 1e9 / median(aloneGaps);
            double beside = 1e9 / median(besideGaps);
            System.out.printf("webhook isolation: alone %.0f events/s, beside a hanging target %.0f events/s "
                + "(median interval over %d rounds), %.0f %%; mean rate alone %.0f, beside %.0f events/s%n",
                alone, beside, ROUNDS, 100 * beside / alone, 1e9 / mean(aloneGaps), 1e9 / mean(besideGaps));
            // a target that shared the hanging one's lane or thread would be held entirely (a ratio near 0, or a half
            // with a pool of two; 0.54 with a working third target beside it, above); 0.65 leaves room for a shared
            // machine's swing, which took runs to 0.896 against 0.9, and to 0.739 against 0.75 with builds beside
            assertThat(beside / alone).as("beside/alone, median intervals over %d rounds", ROUNDS)
                .isGreaterThanOrEqualTo(0.65);
        }
    }

    /** One target's share of a round: its events appended, the nanoseconds between its deliveries of them. */
    private static List<Long> phase(String type, WebhookReceiver receiver) {
        int before = receiver.deliveries.size();
        List<NewBusEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            events.add(NewBusEvent.json(type, "s-" + (i % 10), "{\"n\":" + i + "}"));
        }
        hub.publish("tests", events);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
            .until(() -> receiver.deliveries.size() >= before + EVENTS);
        List<Long> gaps = new ArrayList<>(EVENTS - 1);
        for (int i = before + 1; i < before + EVENTS; i++) {
            gaps.add(receiver.deliveries.get(i).receivedNanos() - receiver.deliveries.get(i - 1).receivedNanos());
        }
        return gaps;
    }

    private static double median(List<Long> values) {
        return values.stream().sorted().skip(values.size() / 2).findFirst().orElseThrow();
    }

    private static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElseThrow();
    }
}
