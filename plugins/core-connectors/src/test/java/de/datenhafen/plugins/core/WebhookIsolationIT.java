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
 * Two webhook targets on the same events, one of them hanging: the other's delivery rate stays at least 90 % of its
 * rate alone. Each target has its own subscription thread and its own HTTP client, so a hanging one holds nothing the
 * other needs.
 *
 * <p>Measured as a pair, in the same time window, so that a shared machine's load falls on both alike: a control
 * target alone on its events ({@code iso.alone}) and a target beside a hanging one ({@code iso.beside}) get the same
 * number of events in the same appends; each round measures the time each took to receive all of them. Rounds after a
 * warm-up; what counts is the rate over all rounds together (events over the sum of the rounds' times).
 *
 * <p>Why not the median of the rounds' ratios: on a loaded 2-core machine a round's ratio depends on which of the two
 * subscription threads the scheduler runs first, and came out in two groups (CI: 79 to 86 % and 112 to 122 %, five
 * rounds below 90 of nine), which fails a median by noise alone; the rounds' total time averages that race out, while a
 * target that waited on the hanging one would still lose its whole rate (the hanging target holds for 300 s).
 */
class WebhookIsolationIT {

    /** Per target and round: about 0.7 s of delivery here, so a scheduling hiccup of a few ms is small against it. */
    private static final int EVENTS = 600;
    private static final int ROUNDS = 9;

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
            round(control, fast); // warm-up
            List<Double> ratios = new ArrayList<>();
            double aloneSeconds = 0;
            double besideSeconds = 0;
            for (int i = 0; i < ROUNDS; i++) {
                double[] seconds = round(control, fast);
                aloneSeconds += seconds[0];
                besideSeconds += seconds[1];
                ratios.add(seconds[0] / seconds[1]);
            }
            assertThat(hanging.requests()).isEqualTo(1); // the stuck target still holds its first event
            double alone = ROUNDS * EVENTS / aloneSeconds;
            double beside = ROUNDS * EVENTS / besideSeconds;
            List<Long> perRound = ratios.stream().sorted().map(d -> Math.round(100 * d)).toList();
            System.out.printf("webhook isolation: alone %.0f events/s, beside a hanging target %.0f events/s "
                + "(%d rounds together), %.0f %%; per round %s%n", alone, beside, ROUNDS, 100 * beside / alone, perRound);
            assertThat(beside / alone).as("beside/alone over %d rounds; per round (%%): %s", ROUNDS, perRound)
                .isGreaterThanOrEqualTo(0.9);
        }
    }

    /** One round: seconds until all its events reached the control target and the one beside the hanging target. */
    private static double[] round(WebhookReceiver control, WebhookReceiver fast) {
        int controlBefore = control.deliveries.size();
        int fastBefore = fast.deliveries.size();
        List<NewBusEvent> events = new ArrayList<>(2 * EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            events.add(NewBusEvent.json("iso.alone", "s-" + (i % 10), "{\"n\":" + i + "}"));
            events.add(NewBusEvent.json("iso.beside", "s-" + (i % 10), "{\"n\":" + i + "}"));
        }
        long start = System.nanoTime();
        hub.publish("tests", events);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
            .until(() -> control.deliveries.size() >= controlBefore + EVENTS
                && fast.deliveries.size() >= fastBefore + EVENTS);
        return new double[] {seconds(control, controlBefore, start), seconds(fast, fastBefore, start)};
    }

    private static double seconds(WebhookReceiver receiver, int before, long start) {
        return (receiver.deliveries.get(before + EVENTS - 1).receivedNanos() - start) / 1e9;
    }
}
