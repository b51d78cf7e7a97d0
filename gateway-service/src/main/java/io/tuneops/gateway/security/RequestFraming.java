package io.tuneops.gateway.security;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Refuses an HTTP/1.1 request that carries both {@code Content-Length} and
 * {@code Transfer-Encoding: chunked} (RFC 9112 section 6.3: a sign of request smuggling): 400 and
 * the connection closed, never forwarded.
 * <p>
 * Netty's request decoder, which Vert.x uses, silently drops the Content-Length of such a request
 * and frames it by its chunks; by the time any route sees the request, nothing shows that it had
 * both, so the check cannot be a route handler. Its hook ({@code handleTransferEncodingChunkedWithContentLength})
 * is a protected method of the decoder, and neither Vert.x nor Quarkus offers a way to put another
 * decoder into a connection's pipeline. So at start the gateway adds a handler to its listening
 * channels (once Quarkus reports them listening) that swaps each new connection's decoder for
 * {@link StrictDecoder} before the first byte is decoded; the decoder's failure is answered by
 * Vert.x's invalid-request handler (400, then the connection is closed), as Netty's own refusal of
 * conflicting Content-Length values is. Finding the listening
 * channels needs Vert.x internals (the bound channel of {@link TCPServerBase}); should a Vert.x
 * upgrade move them, the start fails here rather than running without the check.
 * The other framing checks (two Host headers, a Content-Length with any other transfer coding)
 * see the headers as sent and live in {@link EdgeHandler}.
 */
@ApplicationScoped
public class RequestFraming {

    private static final Logger LOG = Logger.getLogger(RequestFraming.class);
    private static final String HOOK = "tuneops-strict-framing";

    private final Vertx vertx;
    private final Set<Channel> hooked = Collections.newSetFromMap(new IdentityHashMap<>());

    public RequestFraming(Vertx vertx) {
        this.vertx = vertx;
    }

    // Quarkus fires it asynchronously, once the server listens
    synchronized void install(@ObservesAsync HttpServerStart start) {
        HttpServerOptions options = start.options();
        for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
            Channel listening = listeningChannel(server);
            if (listening != null && hooked.add(listening)) {
                listening.pipeline().addFirst(HOOK, new NewConnections(options));
                LOG.debugf("strict request framing on %s", listening.localAddress());
            }
        }
        if (hooked.isEmpty()) {
            throw new IllegalStateException("the HTTP server's listening channel was not found: strict request framing"
                    + " (RFC 9112 section 6.3) cannot be enforced with this Vert.x version");
        }
    }

    @SuppressWarnings("unchecked")
    private static Channel listeningChannel(HttpServerImpl server) {
        try {
            Field bind = TCPServerBase.class.getDeclaredField("bindFuture");
            bind.setAccessible(true);
            Future<Channel> bound = (Future<Channel>) bind.get(server);
            return bound != null && bound.succeeded() ? bound.result() : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("strict request framing (RFC 9112 section 6.3) cannot be enforced with this"
                    + " Vert.x version: " + e.getMessage(), e);
        }
    }

    /** On the listening channel: gives every accepted connection a {@link DecoderSwap} first in its pipeline. */
    @ChannelHandler.Sharable
    static final class NewConnections extends ChannelInboundHandlerAdapter {
        private final HttpServerOptions options;

        NewConnections(HttpServerOptions options) {
            this.options = options;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel connection) {
                connection.pipeline().addLast(HOOK, new DecoderSwap(options, false));
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Swaps the connection's decoder once Vert.x has put it in place: at registration for plain
     * HTTP/1.x; for a server that also speaks h2c (or TLS), Vert.x adds it only when the first bytes
     * arrive, so the swap waits just in front of where it goes and happens before those bytes pass.
     */
    static final class DecoderSwap extends ChannelInboundHandlerAdapter {
        private final HttpServerOptions options;
        /** Placed in front of where the decoder will go: waits for the first bytes. */
        private final boolean waiting;

        DecoderSwap(HttpServerOptions options, boolean waiting) {
            this.options = options;
            this.waiting = waiting;
        }

        @Override
        public void channelRegistered(ChannelHandlerContext ctx) {
            if (waiting) {
                ctx.fireChannelRegistered();
                return;
            }
            ChannelPipeline pipeline = ctx.pipeline();
            if (!swap(pipeline)) {
                DecoderSwap later = new DecoderSwap(options, true);
                if (pipeline.get("handler") != null) {
                    pipeline.addBefore("handler", null, later);
                } else {
                    pipeline.addLast(later);
                }
            }
            pipeline.remove(this);
            ctx.fireChannelRegistered();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            swap(ctx.pipeline());
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }

        private boolean swap(ChannelPipeline pipeline) {
            for (Map.Entry<String, ChannelHandler> entry : pipeline) {
                if (entry.getValue() instanceof StrictDecoder) {
                    return true;
                }
                if (entry.getValue() instanceof VertxHttpRequestDecoder) {
                    pipeline.replace(entry.getValue(), entry.getKey(), new StrictDecoder(options));
                    return true;
                }
            }
            return false;
        }
    }

    /** Vert.x's request decoder, except that Content-Length with chunked framing is a bad request. */
    static final class StrictDecoder extends VertxHttpRequestDecoder {
        StrictDecoder(HttpServerOptions options) {
            super(options);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("Content-Length and Transfer-Encoding together (RFC 9112 section 6.3)");
        }
    }
}
