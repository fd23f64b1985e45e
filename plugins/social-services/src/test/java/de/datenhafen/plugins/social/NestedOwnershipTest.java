package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.Caller;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A member's editor may not bring the nested objects (locations, addresses, phones, ...) of another member's
 * organisations into its services: 403 naming the object and its id, and nothing changes. An id is required.
 */
class NestedOwnershipTest {

    private Directory dir;
    private String orgA;
    private String orgB;
    private Caller editorA;
    private ObjectNode serviceOfA;
    private ObjectNode serviceOfB;
    private long version;

    @BeforeEach
    void open() throws Exception {
        dir = TestDb.demoDirectory("owners");
        List<ObjectNode> services = dir.export().services();
        serviceOfA = services.get(0);
        orgA = Json.str(serviceOfA, "organization_id");
        serviceOfB = services.stream().filter(s -> !orgA.equals(Json.str(s, "organization_id"))).findFirst()
            .orElseThrow();
        orgB = Json.str(serviceOfB, "organization_id");
        dir.setMember(orgA, "member-a");
        dir.setMember(orgB, "member-b");
        editorA = Callers.editorOf("member-a");
        version = dir.version();
    }

    private Api.Response send(String method, String path, Caller caller, JsonNode body) {
        return HubAnswers.of(new Api(dir, Limits.DEFAULTS, null), new Api.Request(method, path, null, caller,
            "application/json", Json.bytes(body)));
    }

    private static ObjectNode location(ObjectNode service) {
        return (ObjectNode) service.get("service_at_locations").get(0).get("location");
    }

    /** A new service of organisation A (a copy of one of A's with a new id) whose site is {@code location}. */
    private ObjectNode newServiceOfA(ObjectNode location) {
        ObjectNode s = serviceOfA.deepCopy().put("id", CityTaxonomy.uuid("new-service-of-a"));
        s.remove("schedules");
        s.remove("phones");
        s.remove("languages");
        s.remove("cost_options");
        s.remove("attributes");
        ObjectNode sal = (ObjectNode) s.get("service_at_locations").get(0);
        sal.put("id", CityTaxonomy.uuid("new-sal-of-a")).put("service_id", Json.str(s, "id"));
        sal.remove("schedules");
        sal.remove("attributes");
        sal.set("location", location);
        sal.put("location_id", Json.str(location, "id"));
        return s;
    }

    private void assertDenied(Api.Response r, String kind, String id, String field) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(403);
        assertThat(r.body().get("error").asText()).isEqualTo(kind + " " + id + " belongs to organization " + orgB
            + " (member member-b); an editor of organization " + orgA + " may not change it");
        assertThat(r.body().get("field").asText()).isEqualTo(field);
        assertThat(dir.version()).isEqualTo(version);
        assertThat(dir.outbox(10)).isEmpty();
        assertThat(dir.service(Json.str(serviceOfB, "id")).json()).isEqualTo(serviceOfB);
    }

    @Test
    void anotherOrganisationsLocationWithANewNameAndPlaceIsRefusedAndStaysAsItWasInTheExport() throws Exception {
        ObjectNode theirs = location(serviceOfB).deepCopy().put("name", "Übernommen").put("latitude", 10.0)
            .put("longitude", 10.0);

        Api.Response r = send("POST", "services", editorA, newServiceOfA(theirs));

        assertDenied(r, "location", Json.str(theirs, "id"), "service_at_locations[0].location");
        assertThat(dir.service(CityTaxonomy.uuid("new-service-of-a"))).isNull();
        Map<String, byte[]> exported = TabularWriter.write(dir.export());
        String locations = new String(exported.get("locations.csv"), StandardCharsets.UTF_8);
        assertThat(locations).contains(Json.str(location(serviceOfB), "name")).doesNotContain("Übernommen");
    }

    @Test
    void evenAnUnchangedCopyOfAnotherOrganisationsLocationIsRefused() {
        ObjectNode theirs = location(serviceOfB).deepCopy();
        assertDenied(send("POST", "services", editorA, newServiceOfA(theirs)), "location", Json.str(theirs, "id"),
            "service_at_locations[0].location");
    }

    @Test
    void anAddressOrAPhoneOfAnotherOrganisationIsRefusedByItsOwnKind() {
        ObjectNode mine = location(serviceOfA).deepCopy();
        ObjectNode address = (ObjectNode) location(serviceOfB).get("addresses").get(0).deepCopy();
        mine.putArray("addresses").add(address.put("address_1", "Woanders 1"));
        assertDenied(send("POST", "services", editorA, newServiceOfA(mine)), "address", Json.str(address, "id"),
            "service_at_locations[0].location.addresses[0]");

        ObjectNode withPhone = newServiceOfA(location(serviceOfA).deepCopy());
        ObjectNode phone = (ObjectNode) serviceOfB.get("phones").get(0).deepCopy();
        withPhone.putArray("phones").add(phone.put("number", "+49 451 0000"));
        assertDenied(send("POST", "services", editorA, withPhone), "phone", Json.str(phone, "id"), "phones[0]");
    }

    @Test
    void anOrganisationChangesItsOwnLocationFreely() {
        ObjectNode mine = location(serviceOfA).deepCopy().put("name", "Neuer Name des eigenen Hauses");
        Api.Response r = send("POST", "services", editorA, newServiceOfA(mine));
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
    }

    @Test
    void aMemberWithBothOrganisationsMayMoveTheOtherOnesLocationIntoItsService() {
        dir.setMember(orgB, "member-a");
        ObjectNode theirs = location(serviceOfB).deepCopy().put("name", "Gemeinsam genutzt");
        Api.Response r = send("POST", "services", editorA, newServiceOfA(theirs));
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
    }

    @Test
    void aLocationSharedByAnAdminsImportMayBeKeptButNotChangedByOneOfTheOrganisations() {
        // the admin makes B's service meet at A's location: shared by both
        ObjectNode sharedLocation = location(serviceOfA).deepCopy();
        ObjectNode bAtA = serviceOfB.deepCopy();
        ObjectNode sal = (ObjectNode) bAtA.get("service_at_locations").get(0);
        sal.set("location", sharedLocation);
        sal.put("location_id", Json.str(sharedLocation, "id"));
        assertThat(send("PUT", "services/" + Json.str(bAtA, "id"), Callers.owner(), bAtA).status())
            .isEqualTo(200);
        serviceOfB = dir.service(Json.str(bAtA, "id")).json();
        version = dir.version();
        dir.sent(Long.MAX_VALUE);

        ObjectNode edit = serviceOfA.deepCopy().put("description", "Nur die Beschreibung ist neu");
        assertThat(send("PUT", "services/" + Json.str(edit, "id"), editorA, edit).status()).isEqualTo(200);
        version = dir.version();
        dir.sent(Long.MAX_VALUE);

        ObjectNode moved = serviceOfA.deepCopy();
        location(moved).put("name", "Umbenannt");
        assertDenied(send("PUT", "services/" + Json.str(moved, "id"), editorA, moved), "location",
            Json.str(sharedLocation, "id"), "service_at_locations[0].location");
    }

    @Test
    void theObjectsOfAWithdrawnServiceAreNoLongerAnotherOrganisationsOnesOnceNoServiceCarriesThem() {
        ObjectNode phone = (ObjectNode) serviceOfB.get("phones").get(0).deepCopy();
        assertThat(send("DELETE", "services/" + Json.str(serviceOfB, "id"), Callers.owner(),
            Json.object()).status()).isEqualTo(200);
        ObjectNode withPhone = newServiceOfA(location(serviceOfA).deepCopy());
        withPhone.putArray("phones").add(phone.put("service_id", Json.str(withPhone, "id")));
        Api.Response r = send("POST", "services", editorA, withPhone);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
    }

    @Test
    void aServiceWithoutAnIdIsA400NamingTheIdNotAnInternalError() {
        ObjectNode noId = newServiceOfA(location(serviceOfA).deepCopy());
        noId.remove("id");
        Api.Response r = send("POST", "services", editorA, noId);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("field").asText()).isEqualTo("id");
        assertThat(r.body().get("error").asText()).isEqualTo("service ?: id is required: a UUID chosen by the "
            + "publisher, which identifies the service in every directory that copies it");
        assertThat(dir.version()).isEqualTo(version);
    }

    @Test
    void aDryRunOfAnImportWithAServiceWithoutIdIsA400() {
        ObjectNode noId = serviceOfA.deepCopy();
        noId.remove("id");
        ObjectNode doc = Json.object();
        doc.putArray("services").add(noId);
        Api.Response r = HubAnswers.of(new Api(dir, Limits.DEFAULTS, null), new Api.Request(
            "POST", "import", "dry_run=true", Callers.owner(), "application/json",
            Json.bytes(doc)));
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
        assertThat(r.body().get("problems").toString()).contains("\"field\":\"id\"");
    }

    @Test
    void theOwnerTableCountsAddsAndRemovesAcrossGrowthAndDeletedSlots() {
        NestedOwners owners = new NestedOwners();
        for (int i = 0; i < 5000; i++) {
            owners.add(service("s" + i, "p" + i, "loc" + (i % 100)), "org" + (i % 100));
        }
        assertThat(owners.organizations("loc7")).containsExactly("org7");
        assertThat(owners.organizations("p4321")).containsExactly("org21");
        owners.add(service("x", "px", "loc7"), "org99");
        assertThat(owners.organizations("loc7")).containsExactlyInAnyOrder("org7", "org99");
        for (int i = 0; i < 5000; i++) {
            owners.remove(service("s" + i, "p" + i, "loc" + (i % 100)), "org" + (i % 100));
        }
        assertThat(owners.organizations("loc7")).containsExactly("org99");
        assertThat(owners.organizations("p4321")).isEmpty();
        for (int i = 0; i < 5000; i++) {
            owners.add(service("t" + i, "q" + i, "loc" + i), "org1");
        }
        assertThat(owners.organizations("q4999")).containsExactly("org1");
        assertThat(owners.organizations("loc7")).containsExactlyInAnyOrder("org99", "org1");
    }

    private static ObjectNode service(String id, String phone, String location) {
        ObjectNode s = Json.object().put("id", id);
        s.putArray("phones").addObject().put("id", phone);
        s.putArray("service_at_locations").addObject().put("id", id + "-sal").putObject("location").put("id",
            location).putObject("organization").put("id", "not-owned");
        return s;
    }
}
