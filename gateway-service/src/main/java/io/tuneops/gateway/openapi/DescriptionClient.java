package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.smallrye.mutiny.Uni;
import io.smallrye.openapi.runtime.io.Format;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Reads the services' own OpenAPI descriptions: each owner's from its {@code /q/openapi} (open on
 * the owner's port, never routed by the gateway), the gateway's in-process, since its
 * {@code /q/openapi} sits behind its own guard.
 */
@ApplicationScoped
public class DescriptionClient {

    private static final String DESCRIPTION_PATH = "/q/openapi?format=json";

    private final HttpClient http;
    private final OpenApiDocumentService ownDocument;
    private final ObjectMapper json;
    private final Duration timeout;

    public DescriptionClient(Vertx vertx, OpenApiDocumentService ownDocument, ObjectMapper json, OpenApiConfig config) {
        this.timeout = config.fetchTimeout();
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setDecompressionSupported(true));
        this.ownDocument = ownDocument;
        this.json = json;
    }

    /** The description an owner at {@code baseUrl} serves; fails unless it answers one within the timeout. */
    public Uni<ObjectNode> owner(String baseUrl) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(baseUrl + DESCRIPTION_PATH)
                .putHeader("Accept", "application/json")
                .setIdleTimeout(timeout.toMillis());
        return http.request(request)
                .flatMap(HttpClientRequest::send)
                .flatMap(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("its /q/openapi answered " + response.statusCode());
                    }
                    return parse(body);
                }))
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException("no description within " + timeout));
    }

    /** The gateway's own description (its API keys and this description's route). */
    public Uni<ObjectNode> gateway() {
        return Uni.createFrom().item(() -> parse(ownDocument.getDocument(OpenApiConstants.DEFAULT_DOCUMENT_NAME, Format.JSON)));
    }

    private ObjectNode parse(Buffer body) {
        return parse(body.getBytes());
    }

    private ObjectNode parse(byte[] body) {
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("its description is not JSON", e);
        }
        if (!(document instanceof ObjectNode object) || !document.path("openapi").isTextual()) {
            throw new IllegalStateException("its /q/openapi is not an OpenAPI description");
        }
        return object;
    }
}
