package io.tuneops.webhook.client.notify;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.client.OutboundProxies;
import io.tuneops.webhook.config.NotificationConfig;
import io.tuneops.webhook.config.OutboundConfig;
import io.tuneops.webhook.service.notify.TargetPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * POSTs a notification's JSON to a webhook or Slack URL with the Vert.x HTTP client, never
 * blocking the event loop. The host is resolved and checked by {@link TargetPolicy} first and the
 * connection goes to exactly the address checked (the URL's host still names the server for the
 * Host header, SNI and certificate checks), so a name that changes its address between the check
 * and the call cannot redirect it. Through a proxy (HTTPS_PROXY or HTTP_PROXY, unless NO_PROXY
 * names the host) the proxy connects to the name. Redirects are not followed. Errors name the host
 * at most, never the URL, whose path may be a secret (Slack's), nor the proxy setting.
 */
@ApplicationScoped
public class NotificationHttp {

    /** How much of an answer is kept to explain a failure. */
    private static final int KEPT_BODY = 2048;

    private final HttpClient client;
    private final TargetPolicy policy;
    private final OutboundProxies proxies;

    public NotificationHttp(Vertx vertx, TargetPolicy policy, OutboundProxies proxies, NotificationConfig config,
                            OutboundConfig outbound) {
        this.policy = policy;
        this.proxies = proxies;
        HttpClientOptions options = new HttpClientOptions()
                .setMaxPoolSize(Math.max(8, config.concurrency())).setKeepAlive(true).setVerifyHost(true)
                .setMaxRedirects(0).setDecompressionSupported(true);
        // a corporate CA (a TLS-inspecting proxy's) is trusted instead of the JDK's defaults, as for
        // provider calls; SIMPLETUNER_SSL_VERIFY=false is not applied to notifications
        outbound.caBundle().filter(bundle -> !bundle.isBlank())
                .ifPresent(bundle -> options.setTrustOptions(new PemTrustOptions().addCertPath(bundle)));
        this.client = vertx.getDelegate().createHttpClient(options);
    }

    void close(@Observes ShutdownEvent event) {
        client.close();
    }

    /** The result of the POST: success on any 2xx. */
    public Uni<SendResult> postJson(String url, Map<String, String> headers, String body, Duration timeout) {
        long start = System.nanoTime();
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Uni.createFrom().item(SendResult.failed(null, "invalid URL", 0));
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Optional<ProxyOptions> proxy;
        try {
            proxy = proxies.vertxProxy(uri.getScheme(), host);
        } catch (OutboundProxies.UnusableProxy e) {
            return Uni.createFrom().item(SendResult.failed(null, "cannot use the " + (https ? "HTTPS_PROXY" : "HTTP_PROXY")
                    + " setting: " + e.getMessage(), 0));
        }
        Uni<Optional<InetAddress>> checked = proxy.isPresent() ? policy.resolveForProxy(host) : policy.resolve(host).map(Optional::of);
        return checked
                .chain(address -> {
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                            .setSsl(https).setURI(path).setFollowRedirects(false)
                            .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis())
                            .putHeader("Content-Type", "application/json").putHeader("User-Agent", "tuneops-notifications");
                    // a proxy connects to the name itself; a direct call goes to exactly the address checked
                    proxy.ifPresentOrElse(options::setProxyOptions,
                            () -> options.setServer(SocketAddress.inetSocketAddress(port, address.orElseThrow().getHostAddress())));
                    headers.forEach(options::putHeader);
                    return Uni.createFrom().completionStage(() -> client.request(options)
                            .compose(request -> request.send(Buffer.buffer(body)))
                            .compose(NotificationHttp::answer)
                            .toCompletionStage());
                })
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .map(answer -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (answer.status() >= 200 && answer.status() < 300) {
                        return SendResult.ok(answer.status(), ms);
                    }
                    String excerpt = answer.body().replaceAll("\\s+", " ").strip();
                    return SendResult.failed(answer.status(), "HTTP " + answer.status()
                            + (excerpt.isEmpty() ? "" : ": " + (excerpt.length() > 200 ? excerpt.substring(0, 200) + "..." : excerpt)), ms);
                })
                .onFailure().recoverWithItem(e -> SendResult.failed(null, describe(e, proxy.isPresent() ? host + " through the proxy" : host, timeout),
                        (System.nanoTime() - start) / 1_000_000));
    }

    private record Answer(int status, String body) {
    }

    /** The status and the head of the body; the rest is read and dropped, so a huge answer costs no memory. */
    private static Future<Answer> answer(HttpClientResponse response) {
        Buffer kept = Buffer.buffer();
        Promise<Answer> answer = Promise.promise();
        response.handler(chunk -> {
            if (kept.length() < KEPT_BODY) {
                kept.appendBuffer(chunk.length() > KEPT_BODY - kept.length() ? chunk.getBuffer(0, KEPT_BODY - kept.length()) : chunk);
            }
        });
        response.exceptionHandler(answer::tryFail);
        response.endHandler(v -> answer.tryComplete(new Answer(response.statusCode(), kept.toString())));
        return answer.future();
    }

    static String describe(Throwable e, String host, Duration timeout) {
        if (e instanceof TargetPolicy.TargetRefused) {
            return e.getMessage();
        }
        if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
            return "no answer from " + host + " within " + timeout.toMillis() + " ms";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int arrow = message.indexOf("=>");
        if (arrow >= 0) {
            // Netty's proxy failures start with the proxy's address: "http, none, proxy:3128 => host:443, status: 403"
            message = "the proxy answered for " + message.substring(arrow + 2).trim();
        }
        return "cannot reach " + host + ": " + message.replaceAll("\\s+", " ");
    }
}
