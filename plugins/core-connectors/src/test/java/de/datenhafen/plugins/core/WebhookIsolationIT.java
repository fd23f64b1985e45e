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
 * number of events in the same appends; each round compares the time each took to receive all of them. Rounds after a
 * warm-up; the median ratio counts.
 */
class WebhookIsolationIT {

    private static final int EVENTS = 300;
    /**
     * Nine: one round of a loaded machine's run came out at 85 % (CI, ratios 85, 91, 97, 100, 104), so with five rounds
     * three such rounds out of five fail the median by noise alone; the median of nine needs five.
     */
    private static final int ROUNDS = 9;

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

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
            double alone = 0;
            double beside = 0;
            for (int i = 0; i < ROUNDS; i++) {
                double[] r = round(control, fast);
                alone += r[0] / ROUNDS;
                beside += r[1] / ROUNDS;
                ratios.add(r[1] / r[0]);
            }
            assertThat(hanging.requests()).isEqualTo(1); // the stuck target still holds its first event
            List<Double> sorted = ratios.stream().sorted().toList();
            double median = sorted.get(sorted.size() / 2);
            System.out.printf("webhook isolation: alone %.0f events/s, beside a hanging target %.0f events/s "
                + "(mean of %d rounds); median ratio %.0f %%, ratios %s%n", alone, beside, ROUNDS, 100 * median,
                sorted.stream().map(d -> Math.round(100 * d)).toList());
            assertThat(median).as("beside/alone per round: %s", sorted).isGreaterThanOrEqualTo(0.9);
        }
    }

    /** One round: events/s that reached the control target and the one beside the hanging target. */
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
        return new double[] {rate(control, controlBefore, start), rate(fast, fastBefore, start)};
    }

    private static double rate(WebhookReceiver receiver, int before, long start) {
        return EVENTS / ((receiver.deliveries.get(before + EVENTS - 1).receivedNanos() - start) / 1e9);
    }
}
