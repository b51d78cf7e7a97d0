package io.tuneops.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body that tells when the client has sent all of it, and cuts it off past a size
 * limit (for bodies sent without Content-Length); everything else passes through, back-pressure
 * included. Vert.x http-proxy offers no hook for that moment, and it is when the
 * response timeout must start (see {@link ResponseTimeoutInterceptor}).
 */
final class EndNotifyingStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> delegate;
    private final Runnable onEnd;
    private final long maxBytes;
    private final Runnable onTooLong;
    private long seen;

    EndNotifyingStream(ReadStream<Buffer> delegate, Runnable onEnd, long maxBytes, Runnable onTooLong) {
        this.delegate = delegate;
        this.onEnd = onEnd;
        this.maxBytes = maxBytes;
        this.onTooLong = onTooLong;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null || maxBytes < 0) {
            delegate.handler(handler);
        } else {
            delegate.handler(chunk -> {
                seen += chunk.length();
                if (seen > maxBytes) {
                    delegate.handler(null);
                    onTooLong.run();
                } else {
                    handler.handle(chunk);
                }
            });
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        delegate.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        delegate.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        delegate.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        if (endHandler == null) {
            delegate.endHandler(null);
        } else {
            delegate.endHandler(v -> {
                onEnd.run();
                endHandler.handle(v);
            });
        }
        return this;
    }
}
