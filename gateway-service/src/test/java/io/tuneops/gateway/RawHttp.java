package io.tuneops.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 connection to the gateway written byte for byte: the JDK's and RestAssured's
 * clients neither send ambiguous framing nor show how an answer was framed.
 */
final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(URL gateway) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.getPort()), 2000);
        socket.setSoTimeout(2000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One answer's status line and headers as sent, with the lines' ends kept. */
    record Head(String text) {
        int status() {
            return Integer.parseInt(text.substring(9, 12));
        }

        /** The value of a header, or null; names compared without case. */
        String header(String name) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    RawHttp send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads up to the blank line that ends an answer's head. */
    Head head() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + bytes.toString(StandardCharsets.ISO_8859_1));
            }
            bytes.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return new Head(bytes.toString(StandardCharsets.ISO_8859_1));
    }

    /** Exactly {@code n} body bytes. */
    String body(int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /** What the server sent until it closed the connection (or 2 s passed). */
    String rest() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            bytes.write("<still open>".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException reset) {
            // a connection the server closed with unread bytes in its buffers may end in a reset
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
