package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.bus.NewEvent;
import io.cloudevents.CloudEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * CPU per event of reading a batch of 100 air-quality readings as CloudEvents (the harness's body for target H), the
 * fast path against the full way, alternating rounds in one JVM; then, as the writer does, the data's bytes (what
 * {@code EventRows.bind} stores). Thread CPU time, so other load on the machine slows it less than wall time would.
 * Runs only with {@code -Dbench=true} (bench/codec-bench.sh); it asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CloudEventsCodecBench {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 6);
    private static final int BODIES = Integer.getInteger("bench.bodies", 4000);

    @Test
    void readsBatchesOfOneHundredReadings() {
        byte[] body = body();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        // warm-up: both ways until the JIT has settled
        run(CloudEventsCodec::batchFromTree, body, BODIES);
        run(CloudEventsCodec::batch, body, BODIES);
        StringBuilder report = new StringBuilder("round  full way us/event  fast path us/event  ratio\n");
        double fullSum = 0;
        double fastSum = 0;
        for (int r = 1; r <= ROUNDS; r++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            run(CloudEventsCodec::batchFromTree, body, BODIES);
            long t1 = cpu.getCurrentThreadCpuTime();
            run(CloudEventsCodec::batch, body, BODIES);
            long t2 = cpu.getCurrentThreadCpuTime();
            double full = (t1 - t0) / 1e3 / (BODIES * 100.0);
            double fast = (t2 - t1) / 1e3 / (BODIES * 100.0);
            fullSum += full;
            fastSum += fast;
            report.append(String.format("%5d  %17.2f  %18.2f  %5.2f%n", r, full, fast, fast / full));
        }
        report.append(String.format("mean   %17.2f  %18.2f  %5.2f%n", fullSum / ROUNDS, fastSum / ROUNDS,
            fastSum / fullSum));
        System.out.println(report);
        assertThat(CloudEventsCodec.batch(body)).hasSize(100);
    }

    /** Reads the body n times, makes each event a NewEvent (the bus's checks) and takes its data's bytes twice. */
    private static void run(Function<byte[], List<CloudEvent>> read, byte[] body, int n) {
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            for (CloudEvent e : read.apply(body)) {
                NewEvent ne = new NewEvent(e, "hub");
                bytes += ne.event().getData().toBytes().length + ne.event().getData().toBytes().length;
            }
        }
        assertThat(bytes).isPositive();
    }

    /** 100 readings as the harness sends them (bench payload ce-100-NN.json). */
    private static byte[] body() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            String sensor = String.format("co2-s%04d", i + 1);
            String ts = String.format("2026-11-26T08:00:00.%03dZ", (i * 7) % 1000);
            b.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"0.1.").append(i).append("-")
                .append(i).append("\",\"source\":\"/sensors/").append(sensor).append("\",\"type\":\"air.reading\",")
                .append("\"time\":\"").append(ts).append("\",\"datacontenttype\":\"application/json\",\"data\":")
                .append("{\"sensorId\":\"").append(sensor).append("\",\"ts\":\"").append(ts).append("\",\"co2ppm\":")
                .append(400 + i * 9).append(",\"temperatureC\":").append(20 + i % 7).append(".4,\"humidityPct\":")
                .append(35 + i % 20).append(".0}}");
        }
        return b.append("]").toString().getBytes(StandardCharsets.UTF_8);
    }
}
