package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request's framing as HTTP/1.1 asks for it, probed on a raw connection: a transfer coding the hub does not read is
 * refused and the connection closed, so a body cannot be read as a request of its own (request smuggling); an HTTP/1.1
 * request names one Host.
 */
class RequestFramingTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    /** A request whose body is another request, for a server that reads the body as empty. */
    private static final String SMUGGLED = "GET /api/v1/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    void aTransferCodingOtherThanChunkedIsRefusedAndItsBodyNeverRunsAsARequest() throws IOException {
        // Netty reads the first two bodies as empty and the third as chunked (it names chunked): either way what
        // follows would be read as the next request on the connection. The last Netty refuses itself (400).
        String[][] cases = {{"xchunked", "", "501"}, {"identity", "", "501"}, {"gzip, chunked", "0\r\n\r\n", "501"},
            {"chunked, identity", "", "400"}};
        for (String[] c : cases) {
            String answers = exchange("POST /health/live HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: " + c[0]
                + "\r\nContent-Type: text/plain\r\n\r\n" + c[1] + SMUGGLED);

            assertThat(answers).as(c[0]).startsWith("HTTP/1.1 " + c[2] + " ");
            assertThat(count(answers, "HTTP/1.1 ")).as(c[0] + ": " + answers).isEqualTo(1);
            assertThat(answers).as(c[0]).doesNotContain("openapi");
            assertThat(error(answers).getString("field")).isEqualTo(c[2].equals("501") ? "Transfer-Encoding"
                : "request line");
        }
    }

    @Test
    void twoTransferEncodingHeadersThatSayChunkedTwiceAreRefusedToo() throws IOException {
        String answers = exchange("POST /health/live HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED);

        assertThat(answers).startsWith("HTTP/1.1 501 ");
        assertThat(count(answers, "HTTP/1.1 ")).as(answers).isEqualTo(1);
    }

    @Test
    void aChunkedBodyIsReadAsBeforeAndTheNextRequestOnTheConnectionIsAnswered() throws IOException {
        String answers = exchange("GET /health/live HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "3\r\nabc\r\n0\r\n\r\nGET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(count(answers, "HTTP/1.1 200 ")).as(answers).isEqualTo(2);
    }

    @Test
    void anHttp10RequestWithATransferEncodingIsRefused() throws IOException {
        String answers = exchange("POST /health/live HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        assertThat(answers).startsWith("HTTP/1.0 400 "); // Netty's decoder refuses it (RFC 9112 6.1)
        assertThat(error(answers).getString("error")).isNotBlank();
    }

    @Test
    void anHttp11RequestWithoutHostOrWithTwoIs400NamingHostAndHttp10NeedsNone() throws IOException {
        String none = exchange("GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n");
        String two = exchange("GET /health/live HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
        String old = exchange("GET /health/live HTTP/1.0\r\n\r\n");

        assertThat(none).startsWith("HTTP/1.1 400 ");
        assertThat(error(none)).isEqualTo(new JsonObject().put("error", "an HTTP/1.1 request has one Host header")
            .put("field", "Host"));
        assertThat(two).startsWith("HTTP/1.1 400 ");
        assertThat(error(two).getString("field")).isEqualTo("Host");
        assertThat(old).startsWith("HTTP/1.0 200 ").contains("\"status\":\"UP\"");
    }

    /**
     * A header that is one value, given twice: the hub read the first, a proxy in front may read the last, so each
     * would act on another request (a token, a body's type, a webhook's signature). Refused before any route, naming
     * it; a list header given twice is as before.
     */
    @Test
    void aHeaderThatIsOneValueGivenTwiceIs400NamingItAndAListHeaderTwiceIsFine() throws IOException {
        String[][] twice = {
            {"Authorization: Bearer a\r\nAuthorization: Bearer b", "authorization"},
            {"Content-Type: application/json\r\ncontent-type: text/plain", "content-type"},
            {"webhook-signature: v1,abc\r\nWebhook-Signature: v1,def", "webhook-signature"},
            {"ce-type: a\r\nCE-Type: b", "ce-type"},
            {"ce-" + "x".repeat(200) + ": 1\r\nce-" + "x".repeat(200) + ": 2", "ce-" + "x".repeat(61)
                + "... (203 characters)"}};
        for (String[] t : twice) {
            String answer = exchange("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\n" + t[0]
                + "\r\nContent-Length: 2\r\n\r\n{}");

            assertThat(answer).as(t[1]).startsWith("HTTP/1.1 400 ");
            assertThat(error(answer)).as(t[1]).isEqualTo(new JsonObject().put("error", "the header " + t[1]
                + " is one value and came more than once; send it once").put("field", t[1]));
        }
        assertThat(exchange("GET /health/live HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n"
            + "Accept: application/json\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aHostThatIsNoHostIs400NamingHostNotAnInternalError() throws IOException {
        for (String host : List.of("a b", "<script>", "[::1", "a:99999", "::1", "a|b")) {
            String answer = exchange("GET /health/live HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

            assertThat(answer).as(host).startsWith("HTTP/1.1 400 ");
            assertThat(error(answer)).as(host).isEqualTo(new JsonObject().put("error", "the Host header must be a "
                + "host name or address, with a port if any").put("field", "Host"));
            assertThat(header(answer, "Content-Security-Policy")).isNotNull();
        }
        assertThat(exchange("GET /health/live HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n"))
            .startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aTargetThatIsNoPathIsAnsweredWithTheHeadersOfEveryAnswerAndConnectIsNotImplemented() throws IOException {
        String star = exchange("GET * HTTP/1.1\r\nHost: localhost\r\n\r\n");
        String relative = exchange("GET health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        String connect = exchange("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n");
        String absolute = exchange("GET http://localhost/health/live HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\n\r\n");

        assertThat(star).startsWith("HTTP/1.1 400 ");
        assertThat(error(star)).isEqualTo(new JsonObject().put("error", "the request's target must be a path, such "
            + "as /api/v1/events (* is for OPTIONS alone)").put("field", "request line"));
        assertThat(relative).startsWith("HTTP/1.1 400 ");
        assertThat(error(relative).getString("field")).isEqualTo("request line");
        assertThat(connect).startsWith("HTTP/1.1 501 ");
        assertThat(error(connect)).isEqualTo(new JsonObject().put("error", "the hub is no proxy: it does not "
            + "implement CONNECT").put("field", "method"));
        for (String answer : List.of(star, relative, connect)) {
            assertThat(header(answer, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(answer, "Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors "
                + "'none'");
        }
        assertThat(absolute).as("the absolute form is a target a server must take").startsWith("HTTP/1.1 200 ")
            .contains("\"status\":\"UP\"");
    }

    @Test
    void aMethodHttpDoesNotHaveIsNotImplementedAndItsNameIsNotEchoed() throws IOException {
        String brew = exchange("BREW /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        String lower = exchange("get /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"); // methods are case-sensitive

        for (String answer : List.of(brew, lower)) {
            assertThat(answer).startsWith("HTTP/1.1 501 ");
            assertThat(error(answer)).isEqualTo(new JsonObject().put("error", "the hub does not implement this method; "
                + "it takes GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS").put("field", "method"));
            assertThat(header(answer, "Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors "
                + "'none'");
        }
        assertThat(exchange("TRACE /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            .as("HTTP's own method, which no route has").startsWith("HTTP/1.1 405 ");
    }

    @Test
    void optionsStarSaysWhichMethodsTheHubHas() throws IOException {
        String answer = exchange("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 204 ");
        assertThat(List.of(header(answer, "Allow").split(", "))).contains("GET", "HEAD", "POST", "PUT", "DELETE")
            .doesNotContain("CONNECT", "TRACE");
        assertThat(header(answer, "X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void a405SaysWhichMethodsTheResourceHas(HubClient client) throws IOException {
        String live = exchange("POST /health/live HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n");
        HubClient.Response login = client.anonymous().send("DELETE", "/api/v1/auth/login", Map.of(), null);

        assertThat(live).startsWith("HTTP/1.1 405 ");
        assertThat(header(live, "Allow")).isEqualTo("GET, HEAD");
        assertThat(error(live).getString("error")).isEqualTo("method not allowed on this resource");
        HubClient.Response signInDelete = client.anonymous().send("DELETE", "/console/sign-in", Map.of(), null);
        assertThat(signInDelete.status()).isEqualTo(405);
        assertThat(signInDelete.header("Allow")).isEqualTo("GET, HEAD, POST");
        assertThat(login.status()).isEqualTo(405);
        assertThat(login.header("Allow")).isEqualTo("POST");

        // behind the access rules too: a caller the hub knows, with a method the path has no route for
        HubClient.Response plugins = client.patch("/api/v1/admin/plugins", "application/json", "{}");
        assertThat(plugins.status()).as(plugins.toString()).isEqualTo(405);
        assertThat(plugins.header("Allow")).isEqualTo("GET, HEAD, POST");
        assertThat(client.anonymous().patch("/api/v1/admin/plugins", "application/json", "{}").status())
            .as("who is not known learns nothing of the path").isEqualTo(401);
        assertThat(client.send("DELETE", "/api/v1/admin/integrations/x/nowhere", Map.of(), null).status())
            .as("a path no route has stays refused, fail closed").isEqualTo(403);
    }

    /** The value of the answer's header {@code name} (case-insensitive), or null. */
    private static String header(String answer, String name) {
        for (String line : answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Writes {@code request} and reads every answer until the hub closes the connection (at most 10 s). */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", hub.hub().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection stayed open after: " + out.toString(StandardCharsets.UTF_8));
            } catch (java.net.SocketException e) {
                // reset after the answer: what arrived counts
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static JsonObject error(String answer) {
        return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4).trim());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
