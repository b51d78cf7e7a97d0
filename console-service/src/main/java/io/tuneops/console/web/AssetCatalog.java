package io.tuneops.console.web;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The console's three assets (htmx from its webjar, app.css, app.js), each under a name carrying
 * a hash of its bytes ({@code /assets/<name>.<hash>.<ext>}), so a browser may keep it for a year
 * and a new build is fetched at once. Hand-written rather than quarkus-web-bundler: the bundler
 * fetches its esbuild binary and its dependencies as mvnpm artifacts, several of which do not
 * resolve from the package registries this project builds from, and three files need no bundling.
 * Read once at start-up (they are small and never change while the service runs).
 */
@Startup
@ApplicationScoped
public class AssetCatalog {

    static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
    static final String CSS = "console-assets/app.css";
    static final String SCRIPT = "console-assets/app.js";

    /** One asset: {@code path} is its fingerprinted URL path, {@code etag} a strong validator of its bytes. */
    public record Asset(String path, String contentType, byte[] bytes, String etag) {
    }

    /** What templates link to (see {@link Layout}). */
    public record Urls(String htmx, String css, String js) {
    }

    private final Map<String, Asset> byPath;
    private final Urls urls;

    public AssetCatalog() {
        Asset htmx = load(HTMX, "htmx", "js", "text/javascript; charset=utf-8");
        Asset css = load(CSS, "app", "css", "text/css; charset=utf-8");
        Asset js = load(SCRIPT, "app", "js", "text/javascript; charset=utf-8");
        this.byPath = List.of(htmx, css, js).stream().collect(Collectors.toUnmodifiableMap(Asset::path, Function.identity()));
        this.urls = new Urls(htmx.path(), css.path(), js.path());
    }

    public Urls urls() {
        return urls;
    }

    public Optional<Asset> find(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /** {@code name.<first 16 hex digits of the SHA-256 of the bytes>.ext}: a new build with other bytes gets a new URL. */
    static String fingerprinted(String name, String extension, byte[] bytes) {
        return "/assets/" + name + "." + hash(bytes).substring(0, 16) + "." + extension;
    }

    private static Asset load(String resource, String name, String extension, String contentType) {
        byte[] bytes;
        try (InputStream in = AssetCatalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("asset " + resource + " is missing from the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("asset " + resource + " cannot be read", e);
        }
        return new Asset(fingerprinted(name, extension, bytes), contentType, bytes, "\"" + hash(bytes) + "\"");
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
