package io.tuneops.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * helm-java's template runs `lookup` against a real API server (plain `helm template` would answer
 * empty). This is the smallest API server `lookup "v1" "Secret"` needs: v1 discovery and GET of a
 * Secret, which answers 404 unless a test stored one. Surefire points KUBECONFIG at the file written here.
 */
final class FakeKubeApi {

    private static final Map<String, Map<String, String>> SECRETS = new ConcurrentHashMap<>();
    private static volatile boolean started;

    private FakeKubeApi() {
    }

    static synchronized void start() {
        if (started) {
            return;
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", FakeKubeApi::handle);
            server.setExecutor(null);
            server.start();
            String kubeconfig = """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: fake
                        cluster:
                          server: http://127.0.0.1:%d
                    contexts:
                      - name: fake
                        context:
                          cluster: fake
                          user: fake
                    current-context: fake
                    users:
                      - name: fake
                        user: {}
                    """.formatted(server.getAddress().getPort());
            String path = System.getenv("KUBECONFIG");
            Path file = Paths.get(path != null ? path : "target/kubeconfig");
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, kubeconfig);
            started = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes `lookup` find a live Secret, as on `helm upgrade`. */
    static void putSecret(String namespace, String name, Map<String, String> plainData) {
        SECRETS.put(namespace + "/" + name, plainData);
    }

    static void clear() {
        SECRETS.clear();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.split("/");
        if (path.equals("/api/v1")) {
            reply(exchange, 200, """
                    {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
                     {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""");
        } else if (path.equals("/api")) {
            reply(exchange, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}");
        } else if (path.equals("/apis")) {
            reply(exchange, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
        } else if (path.equals("/version")) {
            reply(exchange, 200, "{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0\"}");
        } else if (parts.length == 7 && path.startsWith("/api/v1/namespaces/") && parts[5].equals("secrets")) {
            Map<String, String> data = SECRETS.get(parts[4] + "/" + parts[6]);
            if (data == null) {
                reply(exchange, 404, """
                        {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,
                         "message":"secrets \\"%s\\" not found","details":{"name":"%s","kind":"secrets"}}"""
                        .formatted(parts[6], parts[6]));
            } else {
                String encoded = data.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\":\"" + Base64.getEncoder()
                                .encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)) + "\"")
                        .collect(Collectors.joining(","));
                reply(exchange, 200, """
                        {"kind":"Secret","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s"},"type":"Opaque","data":{%s}}"""
                        .formatted(parts[6], parts[4], encoded));
            }
        } else {
            reply(exchange, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
