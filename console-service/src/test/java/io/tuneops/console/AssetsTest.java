package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.tuneops.console.Browser.Scope;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assets: served by the console itself under names that carry their hash, cached for a year. */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class AssetsTest {

    @Test
    void everyAssetOfAPageIsFingerprintedAndCachedForever() throws Exception {
        Document html = Browser.html(Browser.as(Scope.VIEWER).get("/jobs").asString());
        List<String> urls = html.select("script[src]").eachAttr("src");
        urls.addAll(html.select("link[rel=stylesheet]").eachAttr("href"));
        assertEquals(3, urls.size(), urls.toString());
        assertTrue(urls.stream().anyMatch(u -> u.startsWith("/assets/htmx.")), urls.toString());
        for (String url : urls) {
            Response asset = Browser.anonymous().get(url);
            assertEquals(200, asset.statusCode(), url);
            assertEquals("public, max-age=31536000, immutable", asset.header("Cache-Control"), url);
            byte[] bytes = asset.asByteArray();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertTrue(url.contains("." + hash.substring(0, 16) + "."), url + " does not name its bytes' hash");
            assertEquals("\"" + hash + "\"", asset.header("ETag"), url);
            assertTrue(asset.contentType().startsWith(url.endsWith(".css") ? "text/css" : "text/javascript"), url);
            Browser.anonymous().header("If-None-Match", asset.header("ETag")).get(url).then().statusCode(304);
        }
    }

    @Test
    void assetsAndPagesAreCompressedForBrowsersThatAcceptIt() throws Exception {
        Document html = Browser.html(Browser.as(Scope.VIEWER).get("/jobs").asString());
        String htmx = html.select("script[src^=/assets/htmx.]").attr("src");
        // java.net.http leaves the body and Content-Encoding as sent (RestAssured's client decompresses)
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<byte[]> asset = client.send(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + htmx))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", asset.headers().firstValue("Content-Encoding").orElse(null));
        assertTrue(asset.body().length < 25_000, "htmx gzipped: " + asset.body().length + " bytes");
        HttpResponse<byte[]> page = client.send(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/jobs"))
                .header("Accept-Encoding", "gzip").header("X-Tuneops-Gateway-Secret", Browser.SECRET)
                .header("X-Tuneops-Actor", "key_viewer").header("X-Tuneops-Scopes", "viewer").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, page.statusCode());
        assertEquals("gzip", page.headers().firstValue("Content-Encoding").orElse(null));
    }

    @Test
    void anUnknownAssetIsNotFoundAndTheAssetsNeedNoSession() {
        Browser.anonymous().get("/assets/app.0000000000000000.js").then().statusCode(404);
        Browser.anonymous().get("/assets/../jobs").then().statusCode(303).header("Location", startsWith("/sign-in"));
    }
}
