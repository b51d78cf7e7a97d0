package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.S3Xml;
import io.tuneops.storage.s3.SigV4;
import io.tuneops.storage.s3.SigV4Authenticator;
import io.tuneops.storage.s3.SignedRequest;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.StorageMeters;
import io.tuneops.support.http.BackingStoreFailures;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The S3-compatible endpoint, mounted on the Vert.x router so that object bodies stream between
 * the socket and the disk instead of being handed to a resource method whole. Path-style
 * addressing: {@code /api/cloud/storage/{bucket}/{key}}. Each request is authenticated first
 * (SigV4 with a job's upload credential, or an administrator's read access vouched for by the
 * gateway), then dispatched on method and sub-resource; the body is only read (and
 * {@code 100 Continue} only sent) once the signature and the permissions are known to be good.
 */
@ApplicationScoped
public class S3Routes {

    public static final String BASE = "/api/cloud/storage";
    private static final Logger LOG = Logger.getLogger(S3Routes.class);
    /** Sub-resources S3 has and we do not: 501 NotImplemented rather than a wrong answer. */
    private static final Set<String> UNSUPPORTED = Set.of("acl", "policy", "policyStatus", "cors", "lifecycle", "tagging",
            "website", "logging", "notification", "replication", "encryption", "requestPayment", "accelerate", "analytics",
            "inventory", "metrics", "intelligent-tiering", "ownershipControls", "publicAccessBlock", "object-lock",
            "retention", "legal-hold", "torrent", "restore", "select", "session", "renameObject");
    private static final Set<String> READ_SCOPES = Set.of("viewer", "operator", "admin");

    private final StorageConfig config;
    private final SigV4Authenticator authenticator;
    private final ObjectOperations objects;
    private final ListOperations lists;
    private final MultipartOperations multipart;
    private final MultipartCompletion completion;
    private final StorageMeters meters;

    public S3Routes(StorageConfig config, SigV4Authenticator authenticator, ObjectOperations objects, ListOperations lists,
                    MultipartOperations multipart, MultipartCompletion completion, StorageMeters meters) {
        this.meters = meters;
        this.config = config;
        this.authenticator = authenticator;
        this.objects = objects;
        this.lists = lists;
        this.multipart = multipart;
        this.completion = completion;
    }

    void mount(@Observes Router router) {
        router.route(BASE + "/*").order(RequestStage.ROUTES.order()).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        request.pause(); // the body waits until the signature and the permissions are checked
        // a body nobody read (GET, errors) is let through once the response is done, or the
        // connection would wait for the end of a paused request before serving the next one
        rc.addEndHandler(done -> {
            if (!request.isEnded()) {
                request.resume();
            }
        });
        if (!request.headers().contains("Host") && request.authority() != null) {
            // HTTP/2 carries the host in :authority; SigV4 signs it as the host header
            request.headers().set("Host", request.authority().toString());
        }
        String requestId = requestId();
        rc.response().putHeader("x-amz-request-id", requestId).putHeader("x-amz-id-2", requestId);
        S3Call call;
        try {
            call = parse(rc, requestId);
        } catch (RuntimeException e) {
            fail(new S3Call(rc, requestId, request.path(), null, null, List.of()), e);
            return;
        }
        Uni.createFrom().deferred(() -> authenticate(call))
                .flatMap(v -> dispatch(call))
                .subscribe().with(v -> { }, e -> fail(call, e));
    }

    private static S3Call parse(RoutingContext rc, String requestId) {
        String rawPath = rc.request().path();
        List<Map.Entry<String, String>> query;
        String bucket = null;
        String key = null;
        try {
            query = SigV4.parseQuery(rc.request().query());
            String rest = rawPath.length() > BASE.length() ? rawPath.substring(BASE.length() + 1) : "";
            if (!rest.isEmpty()) {
                int slash = rest.indexOf('/');
                bucket = SigV4.decodeUtf8(SigV4.percentDecode(slash < 0 ? rest : rest.substring(0, slash), false));
                if (slash >= 0 && slash + 1 < rest.length()) {
                    key = SigV4.decodeUtf8(SigV4.percentDecode(rest.substring(slash + 1), false));
                }
            }
        } catch (IllegalArgumentException e) {
            throw S3Exception.invalidArgument("The request URI is not correctly percent-encoded UTF-8");
        }
        if (bucket != null && bucket.isEmpty()) {
            throw S3Exception.invalidArgument("Invalid bucket name");
        }
        return new S3Call(rc, requestId, rawPath, bucket, key, query);
    }

    private Uni<Void> authenticate(S3Call call) {
        if (!config.enabled()) {
            return Uni.createFrom().failure(new S3Exception(403, "AccessDenied", "The S3 endpoint is disabled"));
        }
        if (SigV4Authenticator.isSigned(call.headers(), call.query)) {
            SignedRequest signed = authenticator.parse(call.headers(), call.query);
            return authenticator.verify(signed, call.method(), call.rawPath, call.query, call.headers())
                    .invoke(v -> call.signed = v).replaceWithVoid();
        }
        GatewayIdentityHandler.GatewayIdentity identity = call.rc.get(GatewayIdentityHandler.IDENTITY);
        if (identity != null && identity.actor() != null && identity.scopes() != null) {
            for (String scope : identity.scopes().split("[,\\s]+")) {
                if (READ_SCOPES.contains(scope.trim().toLowerCase(Locale.ROOT))) {
                    call.admin = identity.actor();
                    return Uni.createFrom().voidItem();
                }
            }
        }
        return Uni.createFrom().failure(S3Exception.accessDenied());
    }

    private Uni<Void> dispatch(S3Call call) {
        String method = call.method();
        for (Map.Entry<String, String> p : call.query) {
            if (UNSUPPORTED.contains(p.getKey())) {
                throw S3Exception.notImplemented();
            }
        }
        if (call.bucket == null) {
            if (method.equals("GET")) {
                return lists.listBuckets(call);
            }
            throw S3Exception.notImplemented();
        }
        if (call.key == null) {
            return switch (method) {
                case "GET" -> {
                    if (call.has("uploads")) {
                        yield multipart.listUploads(call);
                    } else if (call.has("versions")) {
                        yield lists.listObjects(call, ListOperations.Flavour.VERSIONS);
                    } else if (call.has("location")) {
                        yield lists.location(call);
                    } else if (call.has("versioning")) {
                        yield lists.versioning(call);
                    } else if ("2".equals(call.param("list-type"))) {
                        yield lists.listObjects(call, ListOperations.Flavour.V2);
                    }
                    yield lists.listObjects(call, ListOperations.Flavour.V1);
                }
                case "HEAD" -> lists.headBucket(call);
                case "POST" -> {
                    if (call.has("delete")) {
                        yield objects.deleteObjects(call);
                    }
                    throw S3Exception.notImplemented();
                }
                // buckets are configuration, not something an upload credential manages
                case "PUT", "DELETE" -> throw S3Exception.accessDenied();
                default -> throw S3Exception.notImplemented();
            };
        }
        return switch (method) {
            case "PUT" -> {
                if (call.has("uploadId") || call.has("partNumber")) {
                    yield call.headers().contains("x-amz-copy-source") ? multipart.uploadPartCopy(call) : multipart.uploadPart(call);
                }
                yield call.headers().contains("x-amz-copy-source") ? objects.copy(call) : objects.put(call);
            }
            case "GET" -> {
                if (call.has("uploadId")) {
                    yield multipart.listParts(call);
                }
                yield call.has("attributes") ? objects.attributes(call) : objects.get(call, false);
            }
            case "HEAD" -> objects.get(call, true);
            case "DELETE" -> call.has("uploadId") ? multipart.abort(call) : objects.delete(call);
            case "POST" -> {
                if (call.has("uploads")) {
                    yield multipart.create(call);
                } else if (call.has("uploadId")) {
                    yield completion.complete(call);
                }
                throw S3Exception.notImplemented();
            }
            default -> throw S3Exception.notImplemented();
        };
    }

    private void fail(S3Call call, Throwable failure) {
        S3Exception s3 = toS3(call, failure);
        meters.error(s3.status(), s3.code());
        error(call, s3);
    }

    /** Answers with S3's XML error, or drops the connection when the response had already begun. */
    static void error(S3Call call, S3Exception s3) {
        HttpServerResponse response = call.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            call.request().connection().close();
            return;
        }
        response.setStatusCode(s3.status()).putHeader("Content-Type", "application/xml");
        if (s3.status() == 503 && response.headers().get("Retry-After") == null) {
            response.putHeader("Retry-After", "5");
        }
        HttpServerRequest request = call.request();
        if (!call.bodyConsumed && !request.isEnded()) {
            // an unread (or half-read) upload body is not worth draining
            response.putHeader("Connection", "close");
        }
        if (call.method().equals("HEAD")) {
            response.end();
            return;
        }
        response.end(S3Xml.DECLARATION + errorXml(call, s3));
    }

    /** Any failure as the S3 error it stands for; unexpected ones are logged and become InternalError. */
    static S3Exception toS3(S3Call call, Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e.getClass() == RuntimeException.class) && e.getCause() != null) {
            e = e.getCause();
        }
        RuntimeException translated = ObjectStore.translate(e);
        if (translated instanceof S3Exception known) {
            return known;
        }
        S3Exception s3 = unexpected(e);
        if (s3.status() == 503) {
            LOG.warnf("S3 %s: a backing service is unavailable (request id %s): %s", call.method(), call.requestId, e);
        } else {
            LOG.errorf(e, "S3 %s failed (request id %s)", call.method(), call.requestId);
        }
        return s3;
    }

    /**
     * A failure no S3 error names: PostgreSQL or Redis unreachable, restarting or failing over is
     * 503 ServiceUnavailable, which every S3 client retries with back-off; anything else is a bug
     * and InternalError.
     */
    static S3Exception unexpected(Throwable e) {
        if (BackingStoreFailures.isUnavailable(e)) {
            return new S3Exception(503, "ServiceUnavailable", "Please retry: " + BackingStoreFailures.describe(e) + ".");
        }
        return new S3Exception(500, "InternalError", "We encountered an internal error. Please try again.");
    }

    /** The Error element, without the XML declaration. */
    static String errorXml(S3Call call, S3Exception s3) {
        String resource = s3.resource() != null ? s3.resource() : call.rawPath;
        return S3Xml.bare("Error").el("Code", s3.code()).el("Message", s3.getMessage())
                .el("Resource", resource).el("RequestId", call.requestId).el("HostId", call.requestId).end("Error");
    }

    private static String requestId() {
        return String.format("%016X", ThreadLocalRandom.current().nextLong());
    }
}
