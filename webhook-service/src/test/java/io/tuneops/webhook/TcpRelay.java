package io.tuneops.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of a real server that a test can cut (every connection dropped, new
 * ones refused, as when PostgreSQL goes down) and restore on the same port.
 */
final class TcpRelay implements AutoCloseable {

    private final int target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    private TcpRelay(int target, ServerSocket server) {
        this.target = target;
        this.server = server;
        this.port = server.getLocalPort();
        acceptOn(server);
    }

    static TcpRelay to(int targetPort) {
        return new TcpRelay(targetPort, bind(0));
    }

    int port() {
        return port;
    }

    /** Drops every relayed connection and refuses new ones. */
    synchronized void cut() {
        closeQuietly(server);
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    /** Accepts connections again, on the same port. */
    synchronized void restore() {
        if (server.isClosed()) {
            server = bind(port);
            acceptOn(server);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private void acceptOn(ServerSocket listening) {
        Thread acceptor = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    if (!track(listening, client)) {
                        continue;
                    }
                    Socket upstream;
                    try {
                        upstream = new Socket("127.0.0.1", target);
                    } catch (IOException e) {
                        closeQuietly(client);
                        continue;
                    }
                    if (track(listening, upstream)) {
                        pipe(client, upstream);
                        pipe(upstream, client);
                    }
                } catch (IOException e) {
                    // closed by cut()
                }
            }
        }, "tcp-relay-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Keeps a socket for cut(), unless the relay was cut meanwhile: then it is closed at once. */
    private synchronized boolean track(ServerSocket listening, Socket socket) {
        if (listening.isClosed()) {
            closeQuietly(socket);
            return false;
        }
        open.add(socket);
        return true;
    }

    private void pipe(Socket from, Socket to) {
        Thread copier = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-pipe");
        copier.setDaemon(true);
        copier.start();
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
