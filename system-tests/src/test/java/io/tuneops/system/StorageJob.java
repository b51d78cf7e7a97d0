package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job submitted through a gateway, with the upload credentials the submit hands out, used the
 * way a training job uses them: S3 clients with default settings pointed at the gateway's
 * /api/cloud/storage. Also what the tests check uploads with: an administrator's listing and HEAD
 * through the same gateway, which see what is stored whatever the credential can still do.
 *
 * @param gateway base URL of the gateway the job talks to
 * @param client  the X-Forwarded-For address the test's API calls come from (its own rate-limit windows)
 */
record StorageJob(String gateway, String client, String jobId, String accessKeyId, String secret, String bucket, String prefix) {

    /** The generic provider's webhook secret (Standard Webhooks), set by every test that uses it. */
    static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Pattern KEY = Pattern.compile("<Key>([^<]*)</Key>");

    /** Configures the generic provider and submits a job through {@code gateway}. */
    static StorageJob submit(String gateway, String client, String name) {
        Http.Reply configured = Http.request("PUT", gateway + "/api/cloud/providers/generic",
                "{\"webhook_secret\": \"" + WEBHOOK_SECRET + "\"}", "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(200, configured.status(), configured.body());
        Http.Reply submitted = Http.request("POST", gateway + "/api/cloud/jobs/submit?provider=generic",
                "{\"name\": \"" + name + "\"}", "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(201, submitted.status(), submitted.body());
        JsonNode credentials = submitted.json().get("upload_credentials");
        // the endpoint_url names the public URL; in the tests the gateway at hand stands in for it
        assertTrue(credentials.get("endpoint_url").asText().endsWith("/api/cloud/storage"), credentials.toString());
        return new StorageJob(gateway, client, submitted.json().get("job_id").asText(), credentials.get("access_key_id").asText(),
                credentials.get("secret_access_key").asText(), credentials.get("bucket").asText(), credentials.get("prefix").asText());
    }

    /** The S3 endpoint as the job's endpoint_url names it, on this gateway. */
    URI endpoint() {
        return URI.create(gateway + "/api/cloud/storage");
    }

    StaticCredentialsProvider keys() {
        return keys(secret);
    }

    StaticCredentialsProvider keys(String secretAccessKey) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }

    /** The SDK's synchronous client, defaults but for the endpoint and path-style addressing. */
    S3Client sdk() {
        return sdk(secret);
    }

    S3Client sdk(String secretAccessKey) {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(keys(secretAccessKey)).build();
    }

    /** The SDK's asynchronous client with its multipart support (parts of 8 MiB above 8 MiB). */
    S3AsyncClient multipartSdk() {
        return S3AsyncClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .multipartEnabled(true).credentialsProvider(keys()).build();
    }

    S3Presigner presigner() {
        return S3Presigner.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(keys()).build();
    }

    /** Every key stored under this job's prefix (and below {@code under}), as an administrator lists them. */
    List<String> storedKeys(String under) {
        Http.Reply listing = Http.request("GET", gateway + "/api/cloud/storage/" + bucket + "?list-type=2&max-keys=1000&prefix="
                        + URLEncoder.encode(prefix + under, StandardCharsets.UTF_8), null,
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client);
        assertEquals(200, listing.status(), listing.body());
        List<String> keys = new ArrayList<>();
        Matcher m = KEY.matcher(listing.body());
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** An administrator's HEAD of {@code key} (relative to the prefix): 200 or 404. */
    int adminHead(String key) {
        return Http.request("HEAD", gateway + "/api/cloud/storage/" + bucket + "/" + prefix + key, null,
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client).status();
    }

    /** The provider reports the job finished (a signed webhook through the gateway), which starts the grace period. */
    void finish(String status) {
        long ts = System.currentTimeMillis() / 1000;
        String body = "{\"id\":\"" + jobId + "\",\"status\":\"" + status + "\"}";
        String id = "msg_" + status + "_" + jobId;
        Http.Reply delivered = Http.request("POST", gateway + "/api/webhooks/generic", body, "Content-Type", "application/json",
                "webhook-id", id, "webhook-timestamp", Long.toString(ts),
                "webhook-signature", sign(id, ts, body));
        assertEquals(200, delivered.status(), delivered.body());
    }

    private static String sign(String id, long ts, String body) {
        try {
            return new Webhook(WEBHOOK_SECRET).sign(id, ts, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
