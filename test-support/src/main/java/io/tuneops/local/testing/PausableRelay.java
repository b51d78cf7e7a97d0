package io.tuneops.local.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a real server (PostgreSQL, Redis) that a test can freeze: while paused
 * it keeps every connection open and accepts new ones, but forwards no byte in either direction,
 * as a stopped process, a network black hole or a hung failover look to a client. Resuming
 * forwards what was held back, in order.
 *
 * <p>Hand-written on blocking sockets (two threads per connection) because no test library here
 * freezes a connection without closing it; a test opens a few dozen connections at most.
 */
public final class PausableRelay implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean paused;
    private boolean answersHeld;

    private PausableRelay(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "pausable-relay-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay on a free loopback port to {@code 127.0.0.1:targetPort}, forwarding. */
    public static PausableRelay to(int targetPort) {
        return new PausableRelay(targetPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding, connections stay open. */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    /**
     * Stops forwarding the server's answers only: what clients send still reaches the server, as
     * when the way back is slow. Shows whether a client sends a request before the answer to the
     * one before it.
     */
    public void holdAnswers() {
        synchronized (gate) {
            answersHeld = true;
        }
    }

    /** Forwards again, starting with what was held back. */
    public void resume() {
        synchronized (gate) {
            paused = false;
            answersHeld = false;
            gate.notifyAll();
        }
    }

    public boolean paused() {
        synchronized (gate) {
            return paused;
        }
    }

    @Override
    public void close() {
        resume();
        closeQuietly(server);
        open.forEach(PausableRelay::closeQuietly);
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                open.add(client);
                open.add(upstream);
                copy(client, upstream, false);
                copy(upstream, client, true);
            } catch (IOException e) {
                // the relay was closed
            }
        }
    }

    private void copy(Socket from, Socket to, boolean answers) {
        Thread copier = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitForwarding(answers);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed, or the relay was closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "pausable-relay-copy");
        copier.setDaemon(true);
        copier.start();
    }

    private void awaitForwarding(boolean answers) throws InterruptedException {
        synchronized (gate) {
            while (paused || answers && answersHeld) {
                gate.wait();
            }
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
