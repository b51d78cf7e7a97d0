package io.tuneops.webhook.client.notify;

import io.tuneops.webhook.client.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mail client's connections go to the checked address whatever the name says, and TLS still
 * checks the certificate against the configured name: a server whose certificate names localhost
 * and 127.0.0.1 is accepted as localhost and refused as another name, though both connect to
 * 127.0.0.1 (were the address checked instead, both would pass; were the name resolved, the other
 * one would not be found at all).
 */
class PinnedConnectionsTest {

    private static Vertx vertx;
    private static NetServer server;
    private static TestCertificates certificates;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        certificates = TestCertificates.create(Files.createTempDirectory("tuneops-smtp-tls"));
        server = vertx.createNetServer(new NetServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
                        .setKeyCertOptions(new PfxOptions().setPath(certificates.serverKeystore().toString())
                                .setPassword(certificates.password())))
                .connectHandler(socket -> socket.write("220 ready\r\n"))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static NetSocket connect(String host) throws Exception {
        Vertx pinned = PinnedConnections.to(vertx, InetAddress.getByName("127.0.0.1"));
        // what the mail client asks for: a TLS client verifying host names, connecting by name
        NetClient client = pinned.createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(certificates.caPem().toString())));
        return client.connect(server.actualPort(), host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theConnectionGoesToTheCheckedAddressUnderTheConfiguredName() throws Exception {
        NetSocket socket = connect("localhost");
        assertTrue(socket.isSsl());
        assertEquals(server.actualPort(), socket.remoteAddress().port());
        socket.close();
    }

    @Test
    void theCertificateIsCheckedAgainstTheConfiguredNameNotTheAddress() {
        // the name cannot be resolved: getting as far as the TLS handshake shows the address was used instead
        ExecutionException failure = assertThrows(ExecutionException.class, () -> connect("smtp.tuneops.invalid"));
        boolean tls = false;
        for (Throwable e = failure.getCause(); e != null; e = e.getCause()) {
            assertFalse(e instanceof UnknownHostException, "the name was looked up: " + e);
            tls |= e instanceof SSLException || e instanceof CertificateException;
        }
        assertTrue(tls, "refused by the certificate check: " + failure.getCause());
    }
}
