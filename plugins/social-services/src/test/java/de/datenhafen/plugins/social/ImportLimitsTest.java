package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.RetryableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Imports past their limits (body, what a zip expands to, entries, ratio, values, a cell, a stored document) are
 * refused with 413, 422 or 400 naming the limit, and change nothing.
 */
class ImportLimitsTest {

    private Directory dir;
    private long version;

    @BeforeEach
    void open() throws Exception {
        dir = TestDb.demoDirectory("limits");
        version = dir.version();
    }

    private Api.Response post(Limits limits, String contentType, byte[] body) {
        return HubAnswers.of(new Api(dir, limits, null), new Api.Request("POST", "import", null, Callers.owner(),
            contentType, body));
    }

    private Api.Response post(String contentType, byte[] body) {
        return post(Limits.DEFAULTS, contentType, body);
    }

    private static Limits limits(int mb, int expandedMb, int entries, int ratio, int values) {
        return new Limits(500, 200, 10, 20, mb, expandedMb, entries, ratio, values);
    }

    private void assertRefusedAndNothingChanged(Api.Response r, int status, String error) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(status);
        assertThat(r.body().get("error").asText()).isEqualTo(error);
        assertThat(r.body().get("field").asText()).isEqualTo("body");
        assertNothingChanged();
    }

    private void assertNothingChanged() {
        assertThat(dir.version()).isEqualTo(version);
        assertThat(dir.services()).hasSize(50);
        assertThat(dir.outbox(10)).isEmpty();
    }

    /** A zip of the given entries; an entry given as {head, line, size} repeats line after head up to size bytes. */
    private static byte[] zip(Map<String, String[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue()[0].getBytes(StandardCharsets.UTF_8));
                if (e.getValue().length == 3) {
                    byte[] line = e.getValue()[1].getBytes(StandardCharsets.UTF_8);
                    byte[] block = new byte[line.length * Math.max(1, (1 << 16) / line.length)];
                    for (int i = 0; i < block.length; i += line.length) {
                        System.arraycopy(line, 0, block, i, line.length);
                    }
                    long size = Long.parseLong(e.getValue()[2]);
                    for (long written = 0; written < size; written += block.length) {
                        z.write(block, 0, (int) Math.min(block.length, size - written));
                    }
                }
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static final String DESCRIPTOR = "{\"resources\":[{\"name\":\"services\",\"path\":\"services.csv\"}]}";

    @Test
    void aSmallZipHoldingAHugeCsvIsRefusedForItsRatioWithoutRunningOutOfMemory() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        entries.put("datapackage.json", new String[] {DESCRIPTOR});
        entries.put("services.csv", new String[] {"id,name\n", "0b9f0a56-5c1c-4d0a-9c53-3a1f4d5e6f70,Beratung\n",
            String.valueOf(300L << 20)});
        byte[] bomb = zip(entries);
        assertThat(bomb.length).isLessThan(1_000_000); // a ratio of some 340 (the finding: 306 KB for 300 MB)

        assertRefusedAndNothingChanged(post("application/zip", bomb), 422, "the zip expands to more than 100 times "
            + "its size of " + bomb.length + " bytes (max-import-ratio)");
    }

    @Test
    void aZipExpandingPastTheExpandedLimitIsRefusedWith413() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        entries.put("services.csv", new String[] {"id\n", "x\n", String.valueOf(3 << 20)});
        assertRefusedAndNothingChanged(post(limits(64, 2, 64, 100_000, 3_000_000), "application/zip", zip(entries)),
            413, "the zip expands to more than 2 MiB (max-import-expanded-mb)");
    }

    @Test
    void aZipWithMoreEntriesThanTheLimitIsRefusedWith422() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 65; i++) {
            entries.put("f" + i + ".csv", new String[] {"id\n"});
        }
        assertRefusedAndNothingChanged(post("application/zip", zip(entries)), 422,
            "the zip has more than 64 entries (max-import-entries)");
    }

    @Test
    void aBodyPastTheImportLimitIsRefusedWith413() {
        byte[] body = new byte[(1 << 20) + 1];
        assertRefusedAndNothingChanged(post(limits(1, 128, 64, 100, 3_000_000), "application/json", body), 413,
            "the body is 1048577 bytes; at most 1 MiB (max-import-mb)");
    }

    @Test
    void jsonWithMoreValuesThanTheLimitIsRefusedBeforeATreeIsBuilt() {
        byte[] body = ("[" + "{},".repeat(5000) + "{}]").getBytes(StandardCharsets.UTF_8);
        assertRefusedAndNothingChanged(post(limits(64, 128, 64, 100, 1000), "application/json", body), 413,
            "the body holds more than 1000 JSON values (max-import-values)");
    }

    @Test
    void aCsvWithMoreValuesThanTheLimitIsRefused() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        entries.put("datapackage.json", new String[] {DESCRIPTOR});
        entries.put("services.csv", new String[] {"id,name,description\n", "a,b,c\n", "60000"});
        assertRefusedAndNothingChanged(post(limits(64, 128, 64, 100, 1000), "application/zip", zip(entries)), 413,
            "the import holds more values than the limit (max-import-values)");
    }

    @Test
    void aCsvCellLongerThanAnyStoredDocumentIsRefused() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        entries.put("datapackage.json", new String[] {DESCRIPTOR});
        entries.put("services.csv", new String[] {"id,name\nx,", "y",
            String.valueOf(DataSets.CSV_LIMITS.maxCell() + 10)});
        assertRefusedAndNothingChanged(post("application/zip", zip(entries)), 413,
            "services.csv line 2: a cell longer than 1000000 characters");
    }

    @Test
    void aZipCutShortIsA400Problem() {
        byte[] whole = TabularWriter.zip(TabularWriter.write(DemoData.demo(LocalDate.of(2026, 11, 26))));
        Api.Response r = post("application/zip", java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("problems").get(0).get("message").asText()).startsWith("is not a readable zip");
        assertNothingChanged();
    }

    @Test
    void aFileTwiceInTheZipIsAProblem() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("services.csv"));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("data/services.csv"));
            z.closeEntry();
        }
        Api.Response r = post("application/zip", out.toByteArray());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("error").asText()).isEqualTo("datapackage ?: services.csv is in the zip more than once");
        assertNothingChanged();
    }

    @Test
    void aFileOfManyBadRowsAnswersTheFirstThousandProblemsAndTheirCount() throws IOException {
        Map<String, String[]> entries = new LinkedHashMap<>();
        entries.put("datapackage.json", new String[] {DESCRIPTOR});
        entries.put("services.csv", new String[] {"id,name\n" + "a,b,c\n".repeat(5000)});
        Api.Response r = post("application/zip", zip(entries));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("problems")).hasSize(1000);
        assertThat(r.body().get("problems").get(999).get("source").asText()).isEqualTo("services.csv line 1001");
        assertThat(r.body().get("problems_total").asLong()).isEqualTo(5000);
        assertNothingChanged();
    }

    @Test
    void aServiceTooLongToStoreIsAProblemAndNothingIsWritten() {
        ObjectNode big = dir.export().services().get(0).put("description", "x".repeat(Directory.MAX_DOCUMENT));
        Api.Response r = HubAnswers.of(new Api(dir, Limits.DEFAULTS, null), new Api.Request("PUT",
            "services/" + Json.str(big, "id"), null, Callers.owner(), "application/json", Json.bytes(big)));
        assertThat(r.status()).isEqualTo(400);
        JsonNode p = r.body().get("problems").get(0);
        assertThat(p.get("message").asText()).startsWith("is 10").endsWith(" characters long as stored; at most 1000000");
        assertNothingChanged();
    }

    @Test
    void aSecondImportWhileOneRunsIsAnswered503WithRetryAfterAndChangesNothing() {
        dir.importing().acquireUninterruptibly(); // as a running import holds it
        try {
            Api api = new Api(dir, Limits.DEFAULTS, null);
            Api.Request second = new Api.Request("POST", "import", null, Callers.owner(), "application/json",
                "{\"services\":[]}".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> api.handle(second)).isInstanceOfSatisfying(RetryableException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("another import is running; send this one again when it has "
                    + "finished");
                assertThat(e.retryAfter()).isEqualTo(java.time.Duration.ofSeconds(10));
            });
            assertNothingChanged();
        } finally {
            dir.importing().release();
        }
    }

    @Test
    void bytesJacksonTakesForUtf32AreA400ProblemNotA500() {
        // HsdsJsonImportFuzzTest's first finding (seed utf32-looking-bytes.json): 30 zero bytes, then JSON; refused
        // before Jackson guesses an encoding, as JSON is UTF-8 and no UTF-8 text holds a NUL
        byte[] body = new byte[40];
        System.arraycopy("{\"services\":[]}".getBytes(StandardCharsets.UTF_8), 0, body, 30, 10);
        Api.Response r = post("application/json", body);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
        assertThat(r.body().get("problems").get(0).get("message").asText())
            .startsWith("is not well-formed UTF-8: 00 at byte 0 of the body is a NUL byte");
        assertNothingChanged();
    }

    @Test
    void aFailureInsideIsThrownOnForTheHubToAnswer500WithItsRequestIdOnly() {
        Directory broken = new Directory(null, ZoneId.of("Europe/Berlin"), () -> Callers.OWNER); // no database: storing the import fails
        Api.Request request = new Api.Request("POST", "import", null, Callers.owner(), "application/json",
            "{\"services\":[]}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new Api(broken, Limits.DEFAULTS, null).handle(request))
            .isNotInstanceOf(de.datenhafen.api.HubException.class);
    }
}
