package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exports are streamed: the JSON one piece by piece from the stored documents, the tabular one from a file. */
class ExportTest {

    @TempDir
    Path folder;
    private Directory dir;
    private Api api;

    @BeforeEach
    void open() throws Exception {
        dir = TestDb.demoDirectory("export");
        api = new Api(dir, Limits.DEFAULTS, new TabularExport(folder));
    }

    private byte[] export(String path, String query) throws IOException {
        Api.Response r = HubAnswers.of(api, new Api.Request("GET", path, query, null, null, null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isNull();
        try (InputStream in = r.stream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void theStreamedJsonExportIsTheDocumentSetOfTheWholeDirectory() throws IOException {
        DataSet set = dir.export();
        ObjectNode expected = Json.object().put("version", "3.1").put("profile", Api.PROFILE);
        expected.putArray("organizations").addAll(set.organizations());
        expected.putArray("services").addAll(set.services());
        expected.putArray("taxonomies").addAll(set.taxonomies());
        expected.putArray("taxonomy_terms").addAll(set.terms());

        byte[] streamed = export("export", null);

        assertThat(Json.parse(streamed)).isEqualTo(expected);
        assertThat(new String(streamed, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Json.text(expected));
    }

    @Test
    void theJsonExportReadsTheSameByteByByteAsInBlocks() throws IOException {
        byte[] blocks = export("export", null);
        java.io.ByteArrayOutputStream one = new java.io.ByteArrayOutputStream();
        try (InputStream in = HubAnswers.of(api, new Api.Request("GET", "export", null, null, null, null))
            .stream()) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                one.write(b);
            }
        }
        assertThat(one.toByteArray()).isEqualTo(blocks);
    }

    @Test
    void anEmptyDirectoryExportsAsAValidDocumentWithEmptyTables() throws Exception {
        Directory empty = new Directory(TestDb.create("empty"), java.time.ZoneId.of("Europe/Berlin"),
            () -> Callers.OWNER).load();
        Api.Response r = HubAnswers.of(new Api(empty, Limits.DEFAULTS, null),
            new Api.Request("GET", "export", null, null, null, null));
        try (InputStream in = r.stream()) {
            ObjectNode doc = (ObjectNode) Json.parse(in.readAllBytes());
            assertThat(doc.get("organizations")).isEmpty();
            assertThat(doc.get("services")).isEmpty();
            assertThat(doc.get("taxonomy_terms")).hasSize(CityTaxonomy.terms().size());
        }
    }

    @Test
    void theTabularExportIsWrittenOnceWhileTheDirectoryStaysTheSame() throws IOException {
        byte[] first = export("export.zip", null);
        List<Path> files = zips();
        assertThat(files).hasSize(1);
        assertThat(export("export", "format=tabular")).isEqualTo(first);
        assertThat(zips()).isEqualTo(files);

        ObjectNode changed = dir.export().services().get(0).put("description", "Geänderte Beschreibung");
        dir.putService(Callers.owner(), changed, null);

        byte[] second = export("export.zip", null);
        assertThat(second).isNotEqualTo(first);
        assertThat(zips()).hasSize(1).doesNotContainAnyElementsOf(files);
        assertThat(DataSets.fromZip(second).services()).anyMatch(s -> "Geänderte Beschreibung".equals(
            Json.str(s, "description")));
        assertThat(DataSets.fromZip(second).services()).hasSize(50);
    }

    @Test
    void theTabularExportOfAStoredDirectoryIsThePackageWrittenInMemory() throws IOException {
        byte[] streamed = export("export.zip", null);
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(
            new java.io.ByteArrayInputStream(streamed))) {
            for (java.util.zip.ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                files.put(e.getName(), z.readAllBytes());
            }
        }
        java.util.Map<String, byte[]> inMemory = TabularWriter.write(dir.export());
        assertThat(files.keySet()).containsExactlyElementsOf(inMemory.keySet());
        inMemory.forEach((name, bytes) -> assertThat(files.get(name)).as(name).isEqualTo(bytes));
    }

    private List<Path> zips() throws IOException {
        try (var s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".zip")).sorted().toList();
        }
    }
}
