package de.datenhafen.plugins.social;

import de.datenhafen.api.ForbiddenException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectoryTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 26);
    private DataSource db;
    private Directory dir;
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path exports;

    @BeforeEach
    void open() throws Exception {
        db = TestDb.create("dir");
        dir = new Directory(db, ZoneId.of("Europe/Berlin"), () -> Callers.OWNER).load();
        dir.sent(Long.MAX_VALUE);
    }

    private Map<String, Long> outboxTypes() {
        Map<String, Long> out = new HashMap<>();
        dir.outbox(100_000).forEach(e -> out.merge(e.type(), 1L, Long::sum));
        dir.sent(Long.MAX_VALUE);
        return out;
    }

    @Test
    void aReImportOfTheSameDataChangesNothingAndRaisesNoEvent() {
        int terms = CityTaxonomy.terms().size();
        // the city taxonomy is there since load(): the demo's copy of it is unchanged
        assertThat(dir.importSet(DemoData.demo(DAY), null)).isEqualTo(new Directory.ImportReport(
            new Directory.Report(50, 0, 0, 0), new Directory.Report(14, 0, 0, 0), new Directory.Report(0, 0, 0, 1),
            new Directory.Report(0, 0, 0, terms)));
        assertThat(outboxTypes()).isEqualTo(Map.of(Directory.CREATED, 50L));

        assertThat(dir.importSet(DemoData.demo(DAY), null).total()).isEqualTo(new Directory.Report(0, 0, 0,
            50 + 14 + 1 + terms));
        assertThat(outboxTypes()).isEmpty();
    }

    @Test
    void aReImportRaisesOneEventPerChangedAddedAndMissingService() {
        DataSet first = DemoData.demo(DAY);
        dir.importSet(first, null);
        outboxTypes();
        List<ObjectNode> services = new ArrayList<>();
        first.services().forEach(s -> services.add(s.deepCopy()));
        services.get(0).put("description", "Neue Beschreibung / new description");
        String goneId = Json.str(services.remove(1), "id");
        ObjectNode added = services.get(2).deepCopy().put("id", CityTaxonomy.uuid("new-service")).put("name", "Neu");
        added.remove("service_at_locations");
        added.remove("schedules");
        added.remove("phones");
        added.remove("languages");
        added.remove("cost_options");
        added.remove("attributes");
        services.add(added);

        Directory.Report r = dir.importSet(new DataSet(first.organizations(), services, List.of(), List.of()), null)
            .services();

        assertThat(r).isEqualTo(new Directory.Report(1, 1, 1, 48));
        List<Directory.OutboxEvent> events = dir.outbox(100);
        assertThat(events).extracting(Directory.OutboxEvent::type)
            .containsExactlyInAnyOrder(Directory.CREATED, Directory.UPDATED, Directory.DELETED);
        Directory.OutboxEvent updated = events.stream().filter(e -> e.type().equals(Directory.UPDATED)).findFirst()
            .orElseThrow();
        assertThat(Json.parse(updated.data().getBytes(StandardCharsets.UTF_8)).get("changed").toString())
            .isEqualTo("[\"description\"]");
        assertThat(events).anyMatch(e -> e.type().equals(Directory.DELETED) && e.subject().equals("services/" + goneId));
    }

    @Test
    void anInvalidImportReportsEveryProblemAndStoresNothing() {
        DataSet demo = DemoData.demo(DAY);
        ObjectNode bad = demo.services().get(0).deepCopy();
        bad.put("status", "offen");
        bad.put("organization_id", CityTaxonomy.uuid("nobody"));
        assertThatThrownBy(() -> dir.importSet(new DataSet(demo.organizations(), List.of(bad), List.of(), List.of()),
            null)).isInstanceOfSatisfying(InvalidDataException.class, e -> assertThat(e.problems())
                .extracting(Problem::field).containsExactlyInAnyOrder("status", "organization_id"));
        assertThat(dir.services()).isEmpty();
        assertThat(dir.outbox(10)).isEmpty();
    }

    @Test
    void aMembersEditorMayEditOnlyTheServicesOfItsOwnOrganisations() {
        DataSet demo = DemoData.demo(DAY);
        dir.importSet(demo, null);
        String own = Json.str(demo.organizations().get(0), "id");
        String other = Json.str(demo.organizations().get(1), "id");
        dir.setMember(own, "caritas");
        ObjectNode theirs = dir.services().stream().filter(s -> s.organizationId().equals(other)).findFirst()
            .orElseThrow().json();
        var me = Callers.editorOf("caritas");

        assertThatThrownBy(() -> dir.withdrawService(me, Json.str(theirs, "id")))
            .isInstanceOf(ForbiddenException.class).hasMessage("organization " + other + " belongs to member "
                + "social-smart-city; changing its services needs the role member-editor of member social-smart-city");
        ObjectNode hijack = theirs.deepCopy().put("organization_id", own);
        assertThatThrownBy(() -> dir.putService(me, hijack, null)).isInstanceOf(ForbiddenException.class);
        assertThat(dir.service(Json.str(theirs, "id")).organizationId()).isEqualTo(other);
    }

    @Test
    void theDirectoryComesBackFromTheDatabase() {
        dir.importSet(DemoData.demo(DAY), null);
        Directory again = new Directory(db, ZoneId.of("Europe/Berlin"), () -> Callers.OWNER).load();
        assertThat(again.services()).hasSize(50);
        assertThat(again.index().size()).isEqualTo(50);
        assertThat(again.terms()).hasSize(CityTaxonomy.terms().size());
    }

    @Test
    void aTabularDataPackageGivesTheSameServicesAsTheJsonDocuments() {
        DataSet demo = DemoData.demo(DAY);
        Map<String, byte[]> pkg = TabularWriter.write(demo);
        DataSet fromCsv = DataSets.fromPackage(pkg);
        assertThat(fromCsv.services()).hasSize(50);
        for (int i = 0; i < 50; i++) {
            ObjectNode a = demo.services().get(i).deepCopy();
            DataSets.sortNested(a);
            assertThat(diff("", fromCsv.services().get(i), a)).isEmpty();
        }
        dir.importSet(demo, null);
        assertThat(dir.importSet(fromCsv, null).services()).isEqualTo(new Directory.Report(0, 0, 0, 50));
    }

    private static List<String> diff(String path, com.fasterxml.jackson.databind.JsonNode x,
                                     com.fasterxml.jackson.databind.JsonNode y) {
        List<String> out = new ArrayList<>();
        if (x.isObject() && y.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            x.fieldNames().forEachRemaining(names::add);
            y.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                if (x.get(n) == null || y.get(n) == null) {
                    out.add(path + "." + n + " only in one");
                } else {
                    out.addAll(diff(path + "." + n, x.get(n), y.get(n)));
                }
            }
        } else if (x.isArray() && y.isArray() && x.size() == y.size()) {
            for (int i = 0; i < x.size(); i++) {
                out.addAll(diff(path + "[" + i + "]", x.get(i), y.get(i)));
            }
        } else if (!x.equals(y)) {
            out.add(path + ": " + x + " vs " + y);
        }
        return out;
    }

    @Test
    void aTabularProblemNamesObjectIdFieldFileAndLine() {
        Map<String, byte[]> pkg = new HashMap<>(TabularWriter.write(DemoData.demo(DAY)));
        String csv = new String(pkg.get("schedules.csv"), StandardCharsets.UTF_8);
        String changed = csv.replaceFirst("WEEKLY", "DAILY");
        int line = changed.substring(0, changed.indexOf("DAILY")).split("\r\n", -1).length;
        pkg.put("schedules.csv", changed.getBytes(StandardCharsets.UTF_8));
        DataSet set = DataSets.fromPackage(pkg);
        assertThatThrownBy(() -> dir.importSet(set, null)).isInstanceOfSatisfying(InvalidDataException.class,
            e -> assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.object()).isEqualTo("service");
                assertThat(p.id()).matches("[0-9a-f-]{36}");
                assertThat(p.field()).matches("(service_at_locations\\[\\d+\\]\\.)?schedules\\[\\d+\\]\\.freq");
                assertThat(p.message()).isEqualTo("must be one of WEEKLY, MONTHLY; was 'DAILY' (HSDS schema "
                    + "schedule.json)");
                assertThat(p.source()).isEqualTo("schedules.csv line " + line);
            }));
    }

    /** Each stored service as organisation and document (compared as JSON trees: field order does not count). */
    private static Map<String, List<Object>> docs(Directory d) {
        Map<String, List<Object>> out = new java.util.TreeMap<>();
        d.snapshot().forEach((id, st) -> out.put(id, List.of(st.organizationId(), st.json())));
        return out;
    }

    private void assertRoundTrip(java.util.function.Function<byte[], DataSet> read, Api.Request export,
                                 String contentType) throws Exception {
        dir.importSet(DemoData.demo(DAY), null);
        outboxTypes();
        Api.Response streamed = new Api(dir, Limits.DEFAULTS,
            new TabularExport(exports)).handle(export);
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.contentType()).isEqualTo(contentType);
        byte[] body;
        try (java.io.InputStream in = streamed.stream()) {
            body = in.readAllBytes();
        }

        Directory elsewhere = new Directory(TestDb.create("elsewhere"), ZoneId.of("Europe/Berlin"),
            () -> Callers.OWNER).load();
        assertThat(elsewhere.importSet(read.apply(body), null).services()).isEqualTo(new Directory.Report(50, 0, 0, 0));
        assertThat(docs(elsewhere)).isEqualTo(docs(dir));
        assertThat(elsewhere.organizations()).containsExactlyInAnyOrderElementsOf(dir.organizations());
        assertThat(elsewhere.terms()).containsExactlyInAnyOrderElementsOf(dir.terms());

        assertThat(dir.importSet(read.apply(body), null).total()).as("nothing created or changed")
            .isEqualTo(new Directory.Report(0, 0, 0, dir.services().size() + dir.organizations().size()
                + dir.taxonomies().size() + dir.terms().size()));
        assertThat(outboxTypes()).isEmpty();
    }

    @Test
    void theJsonExportImportsElsewhereAsTheSameDirectoryAndBackHereWithoutAnyEvent() throws Exception {
        assertRoundTrip(body -> DataSets.fromJson(Json.parse(body)),
            new Api.Request("GET", "export", null, null, null, null), "application/json");
    }

    @Test
    void theTabularExportImportsElsewhereAsTheSameDirectoryAndBackHereWithoutAnyEvent() throws Exception {
        assertRoundTrip(DataSets::fromZip, new Api.Request("GET", "export", "format=tabular", null, null, null),
            "application/zip");
    }

    @Test
    void nestedObjectsGetTheKeysToTheirParentsSoTheTabularFormCanJoinThem() {
        ObjectNode s = Json.object().put("id", "s1");
        s.putArray("phones").addObject().put("id", "p1");
        s.putArray("attributes").addObject().put("id", "a1");
        ObjectNode sal = s.putArray("service_at_locations").addObject().put("id", "sal1");
        sal.putArray("schedules").addObject().put("id", "sch1");
        sal.putObject("location").put("id", "l1").putArray("addresses").addObject().put("id", "ad1");
        DataSets.fillKeys(s);
        assertThat(s.toString()).isEqualTo("{\"id\":\"s1\",\"phones\":[{\"id\":\"p1\",\"service_id\":\"s1\"}],"
            + "\"attributes\":[{\"id\":\"a1\",\"link_id\":\"s1\"}],\"service_at_locations\":[{\"id\":\"sal1\","
            + "\"schedules\":[{\"id\":\"sch1\",\"service_at_location_id\":\"sal1\"}],\"location\":{\"id\":\"l1\","
            + "\"addresses\":[{\"id\":\"ad1\",\"location_id\":\"l1\"}]},\"service_id\":\"s1\",\"location_id\":\"l1\"}]}");
    }
}
