package io.tuneops.webhook.service;

import com.standardwebhooks.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A delivery read as it streams: what is kept is the body with the log cut to its tail, signature over every byte. */
class DeliveryReaderTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static DeliveryReader.Read read(String body, int logsTail) throws IOException {
        return (DeliveryReader.Read) new DeliveryReader(64L << 20, 1 << 20, logsTail)
                .read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), null, true);
    }

    private static JsonObject kept(String body, int logsTail) throws IOException {
        return new JsonObject(Buffer.buffer(read(body, logsTail).json()));
    }

    @Test
    void onlyTheTopLevelLogsStringIsCutToItsTailEverythingElseIsKeptAsSent() throws IOException {
        String body = "{\"id\": \"tr_1\", \"input\": {\"logs\": \"" + "i".repeat(50) + "\"}, \"status\": \"processing\","
                + " \"logs\": \"" + "a".repeat(100) + "the end\", \"metrics\": {\"predict_time\": 12.5}, \"output\": [\"logs\"]}";
        JsonObject kept = kept(body, 10);
        assertEquals("tr_1", kept.getString("id"));
        assertEquals("i".repeat(50), kept.getJsonObject("input").getString("logs"), "a nested logs field is not the job's log");
        assertTrue(kept.getString("logs").endsWith("the end"));
        assertTrue(kept.getString("logs").length() >= 10 && kept.getString("logs").length() < 107, "cut: " + kept.getString("logs"));
        assertEquals(12.5, kept.getJsonObject("metrics").getDouble("predict_time"));
        assertEquals("logs", kept.getJsonArray("output").getString(0));
        assertEquals(body.length(), read(body, 10).size());
    }

    @Test
    void theTailStartsAtAWholeCharacterWhateverTheEscapesAndMultiByteCharacters() throws IOException {
        // escapes, 2-, 3- and 4-byte UTF-8, an escaped surrogate pair and escaped backslashes before a 'u'
        String unit = "l\\u00e9\\n\u00e9\u20ac\ud83d\ude00\\ud83d\\ude00\\\\u0041\\\"";
        String decodedUnit = "l\u00e9\n\u00e9\u20ac\ud83d\ude00\ud83d\ude00\\u0041\"";
        for (int tail = 1; tail <= 40; tail++) {
            for (int repeat = 1; repeat <= 12; repeat++) {
                String body = "{\"logs\":\"" + unit.repeat(repeat) + "\"}";
                String logs = kept(body, tail).getString("logs");
                String whole = decodedUnit.repeat(repeat);
                assertTrue(whole.endsWith(logs), "tail " + tail + " x" + repeat + ": " + logs);
                assertTrue(logs.length() >= Math.min(tail, whole.length()), "tail " + tail + " x" + repeat + " kept " + logs.length());
                assertFalse(Character.isLowSurrogate(logs.charAt(0)), "a half pair at the start");
            }
        }
    }

    @Test
    void theSignatureCoversEveryByteAndALimitStopsTheRead() throws Exception {
        String body = "{\"id\": \"tr_1\", \"status\": \"processing\", \"logs\": \"" + "x".repeat(200_000) + "\"}";
        long ts = Instant.now().getEpochSecond();
        String signature = new Webhook(SECRET).sign("msg_1", ts, body);
        DeliveryReader reader = new DeliveryReader(1 << 20, 4096, 100);
        DeliveryReader.Read good = (DeliveryReader.Read) reader.read(stream(body),
                WebhookSignature.begin(SECRET, "msg_1", Long.toString(ts), signature, Instant.now()), false);
        assertTrue(good.signatureMatches());
        assertTrue(good.json().length < 1000);
        String altered = body.replace("processing", "succeeded!");
        DeliveryReader.Read bad = (DeliveryReader.Read) reader.read(stream(altered),
                WebhookSignature.begin(SECRET, "msg_1", Long.toString(ts), signature, Instant.now()), false);
        assertFalse(bad.signatureMatches());

        assertInstanceOf(DeliveryReader.TooLarge.class, new DeliveryReader(100_000, 4096, 100).read(stream(body), null, false));
        String bigOutput = "{\"output\": \"" + "o".repeat(10_000) + "\"}";
        assertInstanceOf(DeliveryReader.TooLarge.class, new DeliveryReader(1 << 20, 4096, 100).read(stream(bigOutput), null, false),
                "everything but the log counts against the kept limit");
    }

    private static InputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
}
