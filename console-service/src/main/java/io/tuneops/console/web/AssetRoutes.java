package io.tuneops.console.web;

import io.tuneops.support.http.RequestStage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Optional;

/**
 * Serves the fingerprinted assets from memory: a fingerprinted URL never changes its bytes, so
 * browsers and caches may keep it for a year without asking again ({@code immutable}).
 */
@ApplicationScoped
public class AssetRoutes {

    static final String CACHE_FOREVER = "public, max-age=31536000, immutable";

    private final AssetCatalog catalog;

    public AssetRoutes(AssetCatalog catalog) {
        this.catalog = catalog;
    }

    void register(@Observes Router router) {
        router.route("/assets/*").order(RequestStage.ROUTES.order()).handler(this::serve);
    }

    void serve(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            rc.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
            return;
        }
        Optional<AssetCatalog.Asset> found = catalog.find(rc.normalizedPath());
        if (found.isEmpty()) {
            rc.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("No such asset");
            return;
        }
        AssetCatalog.Asset asset = found.get();
        rc.response().putHeader(HttpHeaders.CACHE_CONTROL, CACHE_FOREVER).putHeader(HttpHeaders.ETAG, asset.etag());
        if (asset.etag().equals(rc.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            rc.response().setStatusCode(304).end();
            return;
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
        // with quarkus.http.enable-compression, Quarkus marks every answer "Content-Encoding: identity"
        // (not to be compressed) and lifts the mark only for its own handlers; these are all text
        rc.response().headers().remove(HttpHeaders.CONTENT_ENCODING);
        if (method == HttpMethod.HEAD) {
            rc.response().putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(asset.bytes().length)).end();
        } else {
            rc.response().end(Buffer.buffer(asset.bytes()));
        }
    }
}
