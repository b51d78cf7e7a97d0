package io.tuneops.console.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.config.ConsoleConfig;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.config.InternalConfig;
import io.tuneops.support.config.UpstreamConfig;
import io.tuneops.support.http.CorrelationIdHandler;
import io.tuneops.support.http.FailureWords;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Calls the owners' public routes as the gateway does: with the internal secret and the identity
 * the gateway vouched for the visitor, so every owner applies the visitor's own scopes. The
 * gateway's own routes (API keys) are called with the browser's session cookie and CSRF token
 * instead. Every call is bounded by {@code tuneops.console.owner-timeout}: a page shows an owner
 * that does not answer as unavailable and never waits on it longer.
 */
@ApplicationScoped
public class OwnerClient {

    private static final Logger LOG = Logger.getLogger(OwnerClient.class);

    private final WebClient client;
    private final ObjectMapper json;
    private final Map<Owner, String> baseUrls = new EnumMap<>(Owner.class);
    private final String secret;
    private final Duration timeout;

    public OwnerClient(Vertx vertx, ObjectMapper json, UpstreamConfig upstreams, InternalConfig internal,
                       ConsoleConfig config) {
        this.json = json;
        this.secret = internal.secret().filter(s -> !s.isBlank()).orElse(null);
        this.timeout = config.ownerTimeout();
        baseUrls.put(Owner.GATEWAY, trim(upstreams.gateway()));
        baseUrls.put(Owner.WEBHOOK, trim(upstreams.webhook()));
        baseUrls.put(Owner.STORAGE, trim(upstreams.storage()));
        baseUrls.put(Owner.METRICS, trim(upstreams.metrics()));
        baseUrls.put(Owner.AUDIT, trim(upstreams.audit()));
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.max(1, timeout.toMillis()))
                .setKeepAlive(true)
                .setFollowRedirects(false)
                .setMaxPoolSize(config.ownerPoolSize()));
    }

    /** GET a JSON value. */
    public <T> Uni<Answer<T>> get(Owner owner, String pathAndQuery, Caller caller, Class<T> type) {
        return call(owner, HttpMethod.GET, pathAndQuery, caller, null).map(reply -> reply.answer(type));
    }

    /** Send a JSON body (null for none) and read a JSON value (or nothing, for a 204). */
    public <T> Uni<Answer<T>> send(Owner owner, HttpMethod method, String pathAndQuery, Caller caller, Object body,
                                   Class<T> type) {
        return call(owner, method, pathAndQuery, caller, body).map(reply -> reply.answer(type));
    }

    /** GET anything (S3 XML, Prometheus text): the status and the body as text. */
    public Uni<Reply> getText(Owner owner, String pathAndQuery, Caller caller) {
        return call(owner, HttpMethod.GET, pathAndQuery, caller, null);
    }

    private Uni<Reply> call(Owner owner, HttpMethod method, String pathAndQuery, Caller caller, Object body) {
        HttpRequest<Buffer> request = client.requestAbs(method, baseUrls.get(owner) + pathAndQuery)
                .putHeader("Accept", "application/json")
                .timeout(timeout.toMillis());
        if (caller.correlationId() != null) {
            request.putHeader(CorrelationIdHandler.HEADER, caller.correlationId());
        }
        if (owner == Owner.GATEWAY) {
            // the gateway authenticates the browser's session itself, and checks its CSRF token
            if (caller.cookie() != null) {
                request.putHeader("Cookie", caller.cookie());
            }
            if (caller.visitor().csrfToken() != null) {
                request.putHeader(Csrf.HEADER, caller.visitor().csrfToken());
            }
            if (caller.forwardedFor() != null) {
                request.putHeader("X-Forwarded-For", caller.forwardedFor());
            }
        } else {
            if (secret == null) {
                return Uni.createFrom().failure(new OwnerUnavailable(owner,
                        "TUNEOPS_INTERNAL_SECRET is not set, so it would not believe who is asking"));
            }
            request.putHeader(GatewayIdentityHandler.SECRET_HEADER, secret)
                    .putHeader(GatewayIdentityHandler.ACTOR_HEADER, caller.visitor().actor());
            if (caller.visitor().scopes() != null) {
                request.putHeader(GatewayIdentityHandler.SCOPES_HEADER, caller.visitor().scopes());
            }
            if (caller.visitor().clientIp() != null) {
                request.putHeader(GatewayIdentityHandler.CLIENT_IP_HEADER, caller.visitor().clientIp());
            }
            person(request, caller.visitor());
        }
        Uni<HttpResponse<Buffer>> sent;
        if (body == null) {
            sent = request.send();
        } else {
            try {
                sent = request.putHeader("Content-Type", "application/json")
                        .sendBuffer(Buffer.buffer(json.writeValueAsBytes(body)));
            } catch (JsonProcessingException e) {
                return Uni.createFrom().failure(new IllegalArgumentException("request body not serialisable", e));
            }
        }
        return sent
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().transform(e -> {
                    String reason = e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")
                            ? "it did not answer within " + timeout.toMillis() + " ms"
                            : "it cannot be reached (" + FailureWords.of(e) + ")";
                    LOG.warnf("%s %s to %s failed: %s", method, pathOnly(pathAndQuery), owner.serviceName(), e.toString());
                    return new OwnerUnavailable(owner, reason);
                })
                .map(response -> new Reply(owner, response.statusCode(), response.bodyAsString()));
    }

    /** The user behind the visitor, as the gateway vouched for them: who submits, who decides. */
    private static void person(HttpRequest<Buffer> request, Visitor visitor) {
        if (visitor.user() != null) {
            request.putHeader(GatewayIdentityHandler.USER_HEADER, visitor.user());
        }
        if (visitor.username() != null) {
            request.putHeader(GatewayIdentityHandler.USERNAME_HEADER, visitor.username());
        }
        if (visitor.org() != null) {
            request.putHeader(GatewayIdentityHandler.ORG_HEADER, visitor.org());
        }
        if (!visitor.teams().isEmpty()) {
            request.putHeader(GatewayIdentityHandler.TEAMS_HEADER, String.join(",", visitor.teams()));
        }
    }

    /** An owner's answer, read as JSON by {@link #answer}. */
    public final class Reply {
        private final Owner owner;
        private final int status;
        private final String body;

        Reply(Owner owner, int status, String body) {
            this.owner = owner;
            this.status = status;
            this.body = body == null ? "" : body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** A 2xx as the value of {@code type}, anything else as the owner's refusal. */
        public <T> Answer<T> answer(Class<T> type) {
            if (!ok()) {
                return new Answer.Problem<>(status, problem());
            }
            return answerAsOk(type);
        }

        /** The body as the value of {@code type} whatever the status (a report that is also an error status). */
        public <T> Answer<T> answerAsOk(Class<T> type) {
            if (body.isBlank() || type == Void.class) {
                return new Answer.Ok<>(status, null);
            }
            try {
                return new Answer.Ok<>(status, json.readValue(body, type));
            } catch (JsonProcessingException e) {
                LOG.warnf("%s answered a body that is not the agreed JSON (%s): %s", owner.serviceName(),
                        type.getSimpleName(), e.getOriginalMessage());
                throw new OwnerUnavailable(owner, "it answered something that is not the expected JSON");
            }
        }

        /** The owner's refusal in its own words; a body in another shape is named by its status. */
        public ApiProblem problem() {
            try {
                JsonNode node = json.readTree(body);
                if (node != null && node.hasNonNull("detail")) {
                    List<ApiProblem.FieldError> errors = new ArrayList<>();
                    for (JsonNode e : node.path("errors")) {
                        errors.add(new ApiProblem.FieldError(e.path("field").asText(""), e.path("message").asText("")));
                    }
                    return new ApiProblem(node.get("detail").asText(), errors);
                }
            } catch (JsonProcessingException e) {
                // not JSON: described by its status below
            }
            return ApiProblem.of(owner.serviceName() + " answered HTTP " + status);
        }
    }

    private static String trim(String url) {
        return url.replaceAll("/+$", "");
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }
}
