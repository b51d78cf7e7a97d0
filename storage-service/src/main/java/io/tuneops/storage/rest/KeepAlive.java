package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.s3.S3Xml;
import io.tuneops.storage.service.StorageMeters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

import java.time.Duration;

/**
 * What S3 does while it assembles a large multipart object: if completion takes longer than
 * {@code every}, the 200 and the XML declaration are sent and a space follows every {@code every},
 * so no proxy (the gateway times out a silent owner) or client gives up; an error after that point
 * arrives as an Error document in the 200 body, which S3 clients check for on CompleteMultipartUpload.
 */
final class KeepAlive {

    private final S3Call call;
    private final Vertx vertx;
    private final long everyMillis;
    private final StorageMeters meters;
    private long timer;
    private boolean committed;
    private boolean done;

    KeepAlive(S3Call call, Vertx vertx, Duration every, StorageMeters meters) {
        this.call = call;
        this.meters = meters;
        this.vertx = vertx;
        this.everyMillis = Math.max(1, every.toMillis());
        this.timer = vertx.setTimer(everyMillis, id -> tick());
    }

    private void tick() {
        if (done) {
            return;
        }
        HttpServerResponse response = call.response();
        if (response.closed()) {
            return;
        }
        if (!committed) {
            committed = true;
            response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/xml").write(S3Xml.DECLARATION);
        } else {
            response.write(" ");
        }
        timer = vertx.setTimer(everyMillis, id -> tick());
    }

    /** Sends the result document (which starts with the XML declaration). */
    void succeed(String document) {
        stop();
        if (committed) {
            call.response().end(document.substring(S3Xml.DECLARATION.length()));
        } else {
            ObjectOperations.xml(call, 200, document);
        }
    }

    /** After the 200 went out, a failure is an Error document in its body; before, the usual error response. */
    Uni<Void> fail(Throwable failure) {
        stop();
        if (!committed) {
            return Uni.createFrom().failure(failure);
        }
        S3Exception s3 = S3Routes.toS3(call, failure);
        meters.error(s3.status(), s3.code());
        call.response().end(S3Routes.errorXml(call, s3));
        return Uni.createFrom().voidItem();
    }

    private void stop() {
        done = true;
        vertx.cancelTimer(timer);
    }
}
