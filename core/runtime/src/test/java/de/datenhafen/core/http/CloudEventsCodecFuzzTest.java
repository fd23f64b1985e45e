package de.datenhafen.core.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import de.datenhafen.api.InvalidInputException;
import io.cloudevents.CloudEvent;
import java.util.List;

/**
 * The CloudEvents codec takes bodies from anyone who holds an ingest token: whatever the bytes, it returns events
 * or refuses with {@link InvalidInputException} (the 400 naming the attribute); any other exception would be a 500.
 */
class CloudEventsCodecFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parsesOrRefusesCleanly(byte[] body) {
        try {
            CloudEvent one = CloudEventsCodec.structured(body);
            CloudEventsCodec.toJson(one);
        } catch (InvalidInputException expected) {
            // a clear refusal
        }
        try {
            List<CloudEvent> many = CloudEventsCodec.batch(body);
            many.forEach(CloudEventsCodec::toJson);
        } catch (InvalidInputException expected) {
            // a clear refusal
        }
    }
}
