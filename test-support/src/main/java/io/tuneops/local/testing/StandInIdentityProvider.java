package io.tuneops.local.testing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in OpenID Connect provider for tests, speaking the wire format a real one speaks:
 * discovery ({@code /.well-known/openid-configuration}), a JWKS with an RSA key made at start,
 * the authorization endpoint, the token endpoint (client authentication by {@code client_secret_basic}
 * or {@code client_secret_post}, the redirect URI and PKCE S256 checked, each code used once),
 * and userinfo. It has no login form: {@code /authorize} answers at once with a code for the user
 * set with {@link #signInAs}, as a provider does for a browser already signed in there.
 *
 * <p>Hand-written on the JDK's HTTP server and jose4j (which quarkus-oidc brings to the using
 * module) because the in-JVM OIDC servers in reach either do not resolve for this Quarkus version
 * or would drag their own HTTP stack and logging into every service's tests.
 */
public final class StandInIdentityProvider implements AutoCloseable {

    /** The person the provider vouches for: the claims its ID tokens carry about them. */
    /** {@code emailVerified} null: the tokens carry no {@code email_verified} claim, as some providers issue them. */
    public record User(String subject, String email, Boolean emailVerified, String name) {

        public static User of(String subject, String email) {
            return new User(subject, email, true, subject);
        }
    }

    private record Grant(String clientId, String redirectUri, String nonce, String codeChallenge, User user,
                         Instant expiresAt) {
    }

    /** The provider metadata of OpenID Connect Discovery 1.0, section 3. */
    private record DiscoveryDocument(
            String issuer,
            @JsonProperty("authorization_endpoint") String authorizationEndpoint,
            @JsonProperty("token_endpoint") String tokenEndpoint,
            @JsonProperty("userinfo_endpoint") String userinfoEndpoint,
            @JsonProperty("jwks_uri") String jwksUri,
            @JsonProperty("response_types_supported") List<String> responseTypesSupported,
            @JsonProperty("grant_types_supported") List<String> grantTypesSupported,
            @JsonProperty("subject_types_supported") List<String> subjectTypesSupported,
            @JsonProperty("id_token_signing_alg_values_supported") List<String> idTokenSigningAlgValuesSupported,
            @JsonProperty("scopes_supported") List<String> scopesSupported,
            @JsonProperty("token_endpoint_auth_methods_supported") List<String> tokenEndpointAuthMethodsSupported,
            @JsonProperty("code_challenge_methods_supported") List<String> codeChallengeMethodsSupported,
            @JsonProperty("claims_supported") List<String> claimsSupported) {
    }

    /** The successful token response of RFC 6749 section 5.1, with the ID token OpenID Connect adds. */
    private record TokenAnswer(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("token_type") String tokenType,
            @JsonProperty("expires_in") long expiresIn,
            @JsonProperty("id_token") String idToken,
            String scope) {
    }

    /** The error response of RFC 6749 section 5.2. */
    private record ErrorAnswer(String error, @JsonProperty("error_description") String errorDescription) {
    }

    /** A JSON Web Key Set (RFC 7517 section 5); each key is jose4j's own parameter map. */
    /** The userinfo answer: what the ID token says about the person (OpenID Connect Core 5.3.2). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record UserInfo(String sub, String name, String email, @JsonProperty("email_verified") Boolean emailVerified) {

        static UserInfo of(User person) {
            return new UserInfo(person.subject(), person.name(), person.email(),
                    person.email() == null ? null : person.emailVerified());
        }

        void addTo(JwtClaims claims) {
            claims.setClaim("sub", sub);
            claims.setClaim("name", name);
            if (email != null) {
                claims.setClaim("email", email);
                if (emailVerified != null) {
                    claims.setClaim("email_verified", emailVerified);
                }
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long TOKEN_SECONDS = 300;
    private static final long CODE_SECONDS = 60;

    private final String clientId;
    private final String clientSecret;
    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, User> accessTokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile User user = User.of("alice-at-idp", "alice@example.com");
    private volatile Map<String, String> lastAuthorization = Map.of();

    private StandInIdentityProvider(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        try {
            this.key = RsaJwkGenerator.generateJwk(2048);
            this.key.setKeyId("stand-in-" + Long.toHexString(RANDOM.nextLong()));
            this.key.setUse("sig");
            this.key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, this::discovery));
        server.createContext("/jwks", exchange -> answer(exchange, this::jwks));
        server.createContext("/authorize", exchange -> answer(exchange, this::authorize));
        server.createContext("/token", exchange -> answer(exchange, this::token));
        server.createContext("/userinfo", exchange -> answer(exchange, this::userinfo));
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "stand-in-idp");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** A provider on a free loopback port that knows one client, {@code clientId} with {@code clientSecret}. */
    public static StandInIdentityProvider start(String clientId, String clientSecret) {
        return new StandInIdentityProvider(clientId, clientSecret);
    }

    /** Its issuer, which is also the base of every endpoint: {@code http://127.0.0.1:<port>}. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The person the next sign-ins are for. */
    public void signInAs(User next) {
        this.user = next;
    }

    /** How many codes were exchanged for tokens. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** The query parameters of the latest authorization request. */
    public Map<String, String> lastAuthorization() {
        return lastAuthorization;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Answer(int status, String contentType, String body, String location) {

        static Answer json(int status, Object body) {
            try {
                return new Answer(status, "application/json", JSON.writeValueAsString(body), null);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Answer error(int status, String error, String description) {
            return json(status, new ErrorAnswer(error, description));
        }

        static Answer redirect(String location) {
            return new Answer(302, null, "", location);
        }
    }

    private interface Endpoint {
        Answer handle(HttpExchange exchange) throws IOException;
    }

    private static void answer(HttpExchange exchange, Endpoint endpoint) throws IOException {
        try (exchange) {
            Answer answer;
            try {
                answer = endpoint.handle(exchange);
            } catch (RuntimeException e) {
                answer = Answer.error(500, "server_error", e.toString());
            }
            if (answer.location() != null) {
                exchange.getResponseHeaders().set("Location", answer.location());
            }
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    private Answer discovery(HttpExchange exchange) {
        String issuer = issuer();
        return Answer.json(200, new DiscoveryDocument(
                issuer,
                issuer + "/authorize",
                issuer + "/token",
                issuer + "/userinfo",
                issuer + "/jwks",
                List.of("code"),
                List.of("authorization_code"),
                List.of("public"),
                List.of(AlgorithmIdentifiers.RSA_USING_SHA256),
                List.of("openid", "email", "profile"),
                List.of("client_secret_basic", "client_secret_post"),
                List.of("S256"),
                List.of("sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name")));
    }

    private Answer jwks(HttpExchange exchange) {
        // jose4j writes the key set itself: the JWK members are its to name
        return new Answer(200, "application/json",
                new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY), null);
    }

    /** Errors about the client or its redirect URI are shown, not redirected (RFC 6749 section 4.1.2.1). */
    private Answer authorize(HttpExchange exchange) {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        lastAuthorization = Map.copyOf(query);
        String redirectUri = query.get("redirect_uri");
        if (!clientId.equals(query.get("client_id"))) {
            return Answer.error(400, "invalid_request", "unknown client_id");
        }
        if (redirectUri == null || !redirectUri.startsWith("http")) {
            return Answer.error(400, "invalid_request", "redirect_uri missing or not absolute");
        }
        String state = query.get("state");
        if (!"code".equals(query.get("response_type"))) {
            return Answer.redirect(withQuery(redirectUri, Map.of("error", "unsupported_response_type", "state", orEmpty(state))));
        }
        String scope = query.getOrDefault("scope", "");
        if (!List.of(scope.split(" ")).contains("openid")) {
            return Answer.redirect(withQuery(redirectUri, Map.of("error", "invalid_scope", "state", orEmpty(state))));
        }
        String challenge = query.get("code_challenge");
        if (challenge != null && !"S256".equals(query.get("code_challenge_method"))) {
            return Answer.redirect(withQuery(redirectUri, Map.of("error", "invalid_request", "state", orEmpty(state))));
        }
        String code = randomToken();
        codes.put(code, new Grant(clientId, redirectUri, query.get("nonce"), challenge, user,
                Instant.now().plusSeconds(CODE_SECONDS)));
        Map<String, String> back = new LinkedHashMap<>();
        back.put("code", code);
        if (state != null) {
            back.put("state", state);
        }
        return Answer.redirect(withQuery(redirectUri, back));
    }

    private Answer token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Answer.error(405, "invalid_request", "POST only");
        }
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!clientAuthenticated(exchange.getRequestHeaders().getFirst("Authorization"), body)) {
            return Answer.error(401, "invalid_client", "client authentication failed");
        }
        if (!"authorization_code".equals(body.get("grant_type"))) {
            return Answer.error(400, "unsupported_grant_type", "only authorization_code");
        }
        Grant grant = body.get("code") == null ? null : codes.remove(body.get("code"));
        if (grant == null || grant.expiresAt().isBefore(Instant.now())) {
            return Answer.error(400, "invalid_grant", "unknown, used or expired code");
        }
        if (!grant.redirectUri().equals(body.get("redirect_uri"))) {
            return Answer.error(400, "invalid_grant", "redirect_uri differs from the authorization request's");
        }
        if (grant.codeChallenge() != null && !grant.codeChallenge().equals(s256(body.get("code_verifier")))) {
            return Answer.error(400, "invalid_grant", "PKCE verification failed");
        }
        String accessToken = sign(claims(grant, "access"));
        accessTokens.put(accessToken, grant.user());
        tokensIssued.incrementAndGet();
        return Answer.json(200, new TokenAnswer(accessToken, "Bearer", TOKEN_SECONDS, sign(claims(grant, "id")),
                "openid email profile"));
    }

    private Answer userinfo(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        User holder = authorization == null || !authorization.startsWith("Bearer ") ? null
                : accessTokens.get(authorization.substring(7).trim());
        if (holder == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return Answer.error(401, "invalid_token", "unknown access token");
        }
        return Answer.json(200, UserInfo.of(holder));
    }

    private boolean clientAuthenticated(String authorization, Map<String, String> body) {
        String id;
        String secret;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return false;
            }
            // RFC 6749 section 2.3.1: both halves are form-encoded before they are joined
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        } else {
            id = body.get("client_id");
            secret = body.get("client_secret");
        }
        return clientId.equals(id) && secret != null
                && MessageDigest.isEqual(clientSecret.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
    }

    private JwtClaims claims(Grant grant, String kind) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer());
        claims.setSubject(grant.user().subject());
        claims.setAudience(grant.clientId());
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(TOKEN_SECONDS / 60f);
        claims.setGeneratedJwtId();
        if ("id".equals(kind)) {
            if (grant.nonce() != null) {
                claims.setClaim("nonce", grant.nonce());
            }
            claims.setClaim("azp", grant.clientId());
            UserInfo.of(grant.user()).addTo(claims);
        } else {
            claims.setClaim("scope", "openid email profile");
        }
        return claims;
    }

    private String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String s256(String verifier) {
        if (verifier == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    private static String withQuery(String uri, Map<String, String> parameters) {
        StringBuilder target = new StringBuilder(uri).append(URI.create(uri).getRawQuery() == null ? '?' : '&');
        parameters.forEach((name, value) -> target.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&'));
        target.setLength(target.length() - 1);
        return target.toString();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
