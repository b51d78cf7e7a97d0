package io.tuneops.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body that tells when the client has sent all of it; everything else passes through,
 * back-pressure included. Vert.x http-proxy offers no hook for that moment, and it is when the
 * response timeout must start (see {@link ResponseTimeoutInterceptor}).
 */
final class EndNotifyingStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> delegate;
    private final Runnable onEnd;

    EndNotifyingStream(ReadStream<Buffer> delegate, Runnable onEnd) {
        this.delegate = delegate;
        this.onEnd = onEnd;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        delegate.handler(handler);
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
