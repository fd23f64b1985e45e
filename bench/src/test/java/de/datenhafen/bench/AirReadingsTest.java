package de.datenhafen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AirReadingsTest {

    @Test
    void batchIsACloudEventsArrayOfReadingsWithUniqueIds() throws Exception {
        AirReadings readings = new AirReadings("t", 1);
        ObjectMapper mapper = new ObjectMapper().registerModule(JsonFormat.getCloudEventJacksonModule());

        CloudEvent[] first = mapper.readValue(readings.batch(100), CloudEvent[].class);
        CloudEvent[] second = mapper.readValue(readings.batch(100), CloudEvent[].class);

        assertThat(first).hasSize(100);
        assertThat(first[0].getType()).isEqualTo("air.reading");
        assertThat(first[0].getSource().toString()).startsWith("urn:stadtwerke:lorawan:aq-");
        assertThat(first[0].getSubject()).matches("school-\\d+/room-\\d+");
        assertThat(new String(first[0].getData().toBytes())).contains("\"co2\":", "\"temperature\":",
            "\"humidity\":", "\"pressure\":");
        assertThat(Arrays.stream(first).map(CloudEvent::getId)).doesNotContainAnyElementsOf(
            Arrays.stream(second).map(CloudEvent::getId).toList());
        assertThat(readings.produced()).isEqualTo(200);
    }

    @Test
    void percentileIsTheNearestRank() {
        long[] ms = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
        assertThat(LoadGenerator.percentile(ms, 0.5)).isEqualTo(2.0);
        assertThat(LoadGenerator.percentile(ms, 0.99)).isEqualTo(4.0);
    }
}
