package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.web.Assets;
import de.datenhafen.core.web.WebPages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The web faces' static files and the language switch, over real HTTP: caching, types, headers, no way out. */
class WebAssetsTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    private static Assets assets() {
        return hub.hub().httpApi().web().assets();
    }

    private static RawHttp.Answer get(String path, String... headers) {
        String[] lines = new String[headers.length + 3];
        lines[0] = "GET " + path + " HTTP/1.1";
        lines[1] = "Host: localhost";
        lines[2] = "Connection: close";
        System.arraycopy(headers, 0, lines, 3, headers.length);
        return RawHttp.send(hub.hub().port(), "", lines);
    }

    @Test
    void servesAVersionedAssetForAYearWithTheStrictPolicy() {
        RawHttp.Answer a = get(assets().url("shell.css"));

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(a.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(a.header("Content-Security-Policy")).isEqualTo(WebPages.CSP)
            .contains("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'")
            .doesNotContain("unsafe");
        assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(a.header("Referrer-Policy")).isEqualTo("same-origin");
        assertThat(a.body()).contains("--accent");
    }

    @Test
    void servesAnUnversionedOrOutdatedAssetWithAnETagToRevalidate() {
        RawHttp.Answer old = get("/assets/0123456789ab/shell.css");

        assertThat(old.status()).isEqualTo(200);
        assertThat(old.header("Cache-Control")).isEqualTo("no-cache");
        String etag = old.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{24}\"");

        RawHttp.Answer again = get("/assets/0123456789ab/shell.css", "If-None-Match: " + etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void servesAWebJarFileByItsVersionAsAJavaScriptModule() {
        String url = assets().webjar("htmx.org", "dist/htmx.esm.js");
        assertThat(url).isEqualTo("/webjars/htmx.org/2.0.7/dist/htmx.esm.js");

        RawHttp.Answer a = get(url);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(a.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(a.header("Content-Security-Policy")).isEqualTo(WebPages.CSP);
        assertThat(a.body()).contains("export default htmx");
    }

    @Test
    void compressesWhenTheBrowserAsks() {
        RawHttp.Answer a = get("/webjars/htmx.org/2.0.7/dist/htmx.esm.js", "Accept-Encoding: gzip");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(Integer.parseInt(a.header("Content-Length"))).isLessThan(60_000); // 168 KB before
    }

    @Test
    void findsNoFileOutsideItsRootsHoweverThePathIsWritten() {
        String v = assets().version();
        for (String path : new String[] {
            "/assets/" + v + "/../../openapi.json", "/assets/" + v + "/%2e%2e/%2e%2e/openapi.json",
            "/assets/" + v + "/..%2f..%2fopenapi.json", "/assets/" + v + "/..%5c..%5copenapi.json",
            "/assets/" + v + "/..\\..\\openapi.json", "/assets/" + v + "/.%2e/logback.xml",
            "/webjars/htmx.org/2.0.7/../../../../../../logback.xml",
            "/webjars/htmx.org/2.0.7/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/logback.xml",
            "/webjars/../../org/webjars/WebJarVersionLocator.class", "/assets/" + v + "//etc/passwd",
            "/assets/" + v + "/%00shell.css"}) {
            RawHttp.Answer a = get(path);
            assertThat(a.status()).as(path + " -> " + a).isIn(400, 404);
            assertThat(a.body()).as(path).doesNotContain("openapi\":", "<configuration", "root:");
        }
    }

    @Test
    void listsNoFolder() {
        for (String path : new String[] {"/assets/" + assets().version() + "/", "/assets/", "/webjars/",
            "/webjars/htmx.org/2.0.7/dist/", "/webjars/htmx.org/2.0.7/dist"}) {
            assertThat(get(path).status()).as(path).isEqualTo(404);
        }
    }

    @Test
    void theLanguageSwitchSetsTheCookieAndGoesBackToTheLocalPage() {
        RawHttp.Answer a = get("/language/en?back=%2Fconsole%2Fplugins%3Fx%3D1");

        assertThat(a.status()).isEqualTo(303);
        assertThat(a.header("Location")).isEqualTo("/console/plugins?x=1");
        assertThat(a.header("Set-Cookie")).startsWith("lang=en;").contains("Path=/", "SameSite=Lax");

        RawHttp.Answer away = get("/language/de?back=https%3A%2F%2Fevil.example%2F");
        assertThat(away.header("Location")).isEqualTo("/");
        assertThat(get("/language/fr?back=/").status()).isEqualTo(404);
    }
}
