package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A request that needs a body and comes without one (curl sends none when the file after {@code @} is missing) gets
 * the hub's one answer, 400 {@code the request body is empty; send ...} with field {@code body}, on every hub route
 * that takes one.
 */
class EmptyBodyTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        /api/v1/events                        | application/cloudevents+json       | one event as a JSON object
        /api/v1/events                        | application/cloudevents-batch+json | the events as a JSON array
        /api/v1/admin/plugins                 | application/octet-stream           | the plugin archive (zip or jar), e.g. curl --data-binary @my-plugin-1.0.0.zip
        /api/v1/admin/integrations            | application/json                   | the integration as {"name", "connector", "config"}
        /api/v1/admin/integrations/validate   | application/json                   | the integration as {"name", "connector", "config"}
        /api/v1/admin/subscriptions           | application/json                   | the subscription as {"name", "types", "subjectPrefix", "from"}
        /api/v1/admin/dead-letters/discard    | application/json                   | a filter as {"subscription", "errorContains", "failedAfter", "failedBefore"} ({} matches every dead letter)
        """)
    void anEmptyBodyIsRefusedWith400SayingWhatToSend(String path, String contentType, String expected,
                                                      HubClient client) {
        HubClient.Response r = client.post(path, contentType, "");

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send " + expected)
            .put("field", "body"));
    }
}
