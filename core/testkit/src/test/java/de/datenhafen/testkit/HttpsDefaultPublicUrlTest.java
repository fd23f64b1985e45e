package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.Hub;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Under TLS without a configured public URL, links in answers start with https:// and the address the hub binds. */
class HttpsDefaultPublicUrlTest {

    private static final Path DIR = TestDirs.create("https-default-url");
    private static final TestCertificates CA = TestCertificates.newCa("Datenhafen Test CA");
    private static final TestCertificates.Issued SERVER = CA.issueServer(DIR, "hub");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(DIR))
        .config(HubConfig.HTTP_TLS_CERT, SERVER.cert().toAbsolutePath().toString())
        .config(HubConfig.HTTP_TLS_KEY, SERVER.key().toAbsolutePath().toString())
        .build();

    @Test
    void aPluginsLinkUsesHttpsAndTheBoundAddressNotTheHostHeader(Hub h) {
        HttpsClient https = new HttpsClient(CA.trustingOnlyThisCa(), h.port());
        HttpResponse<String> created = https.send("POST", "/api/v1/admin/integrations", hub.client().adminToken(),
            new JsonObject().put("name", "tls-links").put("connector", "fixture-public")
                .put("config", new JsonObject().put("path", "/tls-links")).encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> r = https.get("/tls-links/where", null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // the client sent Host: localhost:<port>; the link names the bound address
        assertThat(new JsonObject(r.body()).getString("url"))
            .isEqualTo("https://127.0.0.1:" + h.port() + "/tls-links/where");
        assertThat(h.redirectPort()).isEmpty();
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
}
