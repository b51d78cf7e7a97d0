package io.tuneops.webhook.client.notify;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The Vert.x given to a channel's mail client, so that it connects to the address
 * {@link io.tuneops.webhook.service.notify.TargetPolicy} checked and nowhere else. The mail client
 * connects by name ({@code NetClient.connect(port, host)}) and offers no way to name the address:
 * left alone it would resolve the name again, and a name whose address changed since the check (DNS
 * rebinding) would take it into the private network after all. The TCP clients this Vert.x makes
 * connect to the checked address under the configured name instead, so TLS (implicit or STARTTLS)
 * still sends that name as SNI and verifies the server's certificate against it, as before.
 *
 * <p>Everything else is the application's Vert.x itself: the mail client uses only the
 * {@link Vertx} interface (its contexts, timers and shared data come from the real one).
 */
final class PinnedConnections {

    private PinnedConnections() {
    }

    /** {@code vertx}, but with every TCP client it makes connecting to {@code checked}. */
    static Vertx to(Vertx vertx, InetAddress checked) {
        return proxy(Vertx.class, vertx, (target, method, args) -> {
            Object made = call(method, target, args);
            return method.getName().equals("createNetClient") && made instanceof NetClient client ? pinned(client, checked) : made;
        });
    }

    private static NetClient pinned(NetClient client, InetAddress checked) {
        return proxy(NetClient.class, client, (target, method, args) -> {
            Class<?>[] types = method.getParameterTypes();
            if (!method.getName().equals("connect") || types.length < 2 || types[0] != int.class || types[1] != String.class) {
                return call(method, target, args);
            }
            // connect(port, host, ...) becomes connect(address, ...): the name rides along for TLS,
            // the connection goes to the checked address without a lookup
            SocketAddress server = SocketAddress.inetSocketAddress(new InetSocketAddress(named((String) args[1], checked), (int) args[0]));
            Class<?>[] pinnedTypes = new Class<?>[types.length - 1];
            pinnedTypes[0] = SocketAddress.class;
            System.arraycopy(types, 2, pinnedTypes, 1, types.length - 2);
            Object[] pinnedArgs = new Object[args.length - 1];
            pinnedArgs[0] = server;
            System.arraycopy(args, 2, pinnedArgs, 1, args.length - 2);
            return call(NetClient.class.getMethod("connect", pinnedTypes), target, pinnedArgs);
        });
    }

    /** {@code checked} under {@code host}: no lookup, the name kept for SNI and the certificate check. */
    static InetAddress named(String host, InetAddress checked) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return InetAddress.getByAddress(bare, checked.getAddress());
    }

    private interface Handler<T> {
        Object invoke(T target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler<T> handler) {
        InvocationHandler invocation = (self, method, args) -> handler.invoke(target, method, args == null ? new Object[0] : args);
        return type.cast(Proxy.newProxyInstance(PinnedConnections.class.getClassLoader(), new Class<?>[]{type}, invocation));
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
