package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hub's own small bodies (sign-in, the admin, identity, signing and subscription APIs, flows, the console's
 * forms) are read through the same budget as ingest ({@code http.body-memory}), not beside it: before, an anonymous
 * client could make the hub hold 64 KiB per open sign-in (8 KiB per open console sign-in), on as many connections as
 * it opened. Here the budget is 1 MiB: twenty sign-ins that announce
 * 60,000 bytes and send 50,000 hold it, a whole sign-in of 60,000 bytes is then 503, and once they go their bytes
 * come back and the same sign-in is answered as a sign-in. And each of the hub's APIs that takes a body holds what it
 * has received of one in the budget.
 */
class SmallBodiesShareTheBudgetTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config("http.body-memory", 1024 * 1024).build();

    @Test
    void unfinishedSignInsHoldAtMostTheBudgetAndGiveItBackWhenTheyGo() throws Exception {
        byte[] signIn = signIn(60_000);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                open.add(unfinished("/api/v1/auth/login", "", signIn));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().httpApi().bodies().held() == 1_000_000);

            RawHttp.Answer refused = post(signIn);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(new JsonObject(refused.body()).getString("error")).startsWith("the hub is holding as many "
                + "request bodies in memory as it may (http.body-memory)");
        } finally {
            for (Socket s : open) {
                close(s);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().httpApi().bodies().held() == 0);

        RawHttp.Answer answered = post(signIn);

        assertThat(answered.status()).as(answered.toString()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/api/v1/admin/integrations", "/api/v1/admin/flows", "/api/v1/admin/members",
        "/api/v1/admin/plugin-allowlist", "/api/v1/admin/subscriptions"})
    void everyApiWithABodyReadsItThroughTheBudget(String path) throws Exception {
        try (Socket s = unfinished(path, "Authorization: Bearer " + hub.client().adminToken() + "\r\n",
            new byte[60_000])) {
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().httpApi().bodies().held() == 50_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().httpApi().bodies().held() == 0);
    }

    @Test
    void theConsolesSignInFormIsReadThroughTheBudgetTooAndStillSignsIn() throws Exception {
        String padded = "user=nobody&password=" + "x".repeat(7_000); // under the form's 8 KiB
        try (Socket s = new Socket("127.0.0.1", hub.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /console/sign-in HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + padded.length() + "\r\n\r\n"
                + padded.substring(0, 5_000)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().httpApi().bodies().held() == 5_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.hub().httpApi().bodies().held() == 0);

        RawHttp.Answer wrong = form("user=n%C3%B6body+else&password=wrong&next=%2Fconsole%2Fbus");
        RawHttp.Answer tooLarge = form("user=nobody&password=" + "x".repeat(9_000));
        RawHttp.Answer malformed = form("user=%zz&password=x");

        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
        assertThat(wrong.header("Content-Type")).startsWith("text/html");
        assertThat(wrong.body()).contains("value=\"nöbody else\"", "The user or the password is not right.");
        assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(413);
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
        assertThat(new JsonObject(malformed.body()).getString("field")).isEqualTo("user"); // the field whose escape broke
    }

    private static RawHttp.Answer form(String body) {
        return RawHttp.send(hub.port(), body, "POST /console/sign-in HTTP/1.1", "Host: localhost",
            "Content-Type: application/x-www-form-urlencoded", "Accept-Language: en",
            "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length, "Connection: close");
    }

    /** A connection that has sent a POST of {@code body} to {@code path} up to its 50,000th byte, and waits. */
    private static Socket unfinished(String path, String headers, byte[] body) throws IOException {
        Socket s = new Socket("127.0.0.1", hub.port());
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + headers
            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 50_000);
        out.flush();
        return s;
    }

    /** A sign-in of a user who does not exist, padded to {@code size} bytes. */
    private static byte[] signIn(int size) {
        String head = "{\"user\":\"nobody\",\"password\":\"not-a-password\",\"note\":\"";
        return (head + "x".repeat(size - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static RawHttp.Answer post(byte[] body) {
        return RawHttp.send(hub.port(), new String(body, StandardCharsets.UTF_8),
            "POST /api/v1/auth/login HTTP/1.1", "Host: localhost", "Content-Type: application/json",
            "Content-Length: " + body.length, "Connection: close");
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
