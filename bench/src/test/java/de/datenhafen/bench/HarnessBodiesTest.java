package de.datenhafen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarnessBodiesTest {

    @TempDir
    Path dir;

    @Test
    void cloudEventBodiesGetATokenNewInEveryRequest() throws Exception {
        Files.writeString(dir.resolve("ce-100-00.json"), "[{\"id\":\"@U@-00\"},{\"id\":\"@U@-01\"}]");
        HarnessBodies bodies = new HarnessBodies(dir, "ce", 3);

        assertThat(text(bodies.next())).isEqualTo("[{\"id\":\"s3.0-00\"},{\"id\":\"s3.0-01\"}]");
        assertThat(text(bodies.next())).isEqualTo("[{\"id\":\"s3.1-00\"},{\"id\":\"s3.1-01\"}]");
        assertThat(bodies.contentType()).isEqualTo("application/cloudevents-batch+json");
    }

    @Test
    void airQualityBodiesGetASecondNewInEveryRequestAndRotateTheTemplates() throws Exception {
        Files.writeString(dir.resolve("aq-100-00.json"), "[{\"time\":\"@T@.007Z\"}]");
        Files.writeString(dir.resolve("aq-100-01.json"), "[{\"t\":\"@T@.000Z\"}]");
        HarnessBodies bodies = new HarnessBodies(dir, "aq", 0);

        assertThat(text(bodies.next())).isEqualTo("[{\"time\":\"2020-01-02T00:00:00.007Z\"}]");
        assertThat(text(bodies.next())).isEqualTo("[{\"t\":\"2020-01-02T00:00:01.000Z\"}]");
        assertThat(bodies.contentType()).isEqualTo("application/json");
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void refusesAFolderWithoutTemplates() {
        assertThatThrownBy(() -> new HarnessBodies(dir, "aq", 0)).hasMessageContaining("no aq-100-NN.json in");
    }
}
