package io.tuneops.gateway.config;

import io.smallrye.config.common.MapBackedConfigSource;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The operations guide's own TLS: SIMPLETUNER_SSL_CERT and SIMPLETUNER_SSL_KEY (PEM files, as
 * certbot writes them) make the gateway serve HTTPS on its port, and only HTTPS there, as the
 * guide's {@code https://host:port} public URL expects.
 *
 * <p>A configuration source rather than expressions in application.properties, because the two
 * variables switch several Quarkus settings together (the certificate, the HTTPS port onto the
 * HTTP one, plain HTTP off), and only when both are set. Gateway-only: the services behind it keep
 * plain HTTP on the cluster network. Its ordinal sits between application.properties and the
 * environment, so an explicit QUARKUS_HTTP_* variable still wins.
 */
public final class GuideTls extends MapBackedConfigSource {

    static final int ORDINAL = 275;
    static final String CERT = "SIMPLETUNER_SSL_CERT";
    static final String KEY = "SIMPLETUNER_SSL_KEY";

    public GuideTls() {
        this(System::getenv);
    }

    GuideTls(Function<String, String> environment) {
        super("tuneops-guide-tls", translate(environment), ORDINAL);
    }

    static Map<String, String> translate(Function<String, String> env) {
        String cert = blankToNull(env.apply(CERT));
        String key = blankToNull(env.apply(KEY));
        Map<String, String> out = new HashMap<>();
        if (cert == null && key == null) {
            return out;
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException(CERT + " and " + KEY + " go together: set both (the certificate chain and"
                    + " its private key, PEM) for HTTPS, or neither");
        }
        out.put("quarkus.http.ssl.certificate.files", cert);
        out.put("quarkus.http.ssl.certificate.key-files", key);
        out.put("quarkus.http.ssl-port", "${quarkus.http.port}");
        out.put("quarkus.http.insecure-requests", "disabled");
        return out;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
