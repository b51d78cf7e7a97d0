package io.tuneops.storage.s3;

import io.smallrye.mutiny.Uni;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.service.CredentialStore;
import io.tuneops.storage.service.UploadCredential;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Verifies AWS Signature Version 4 on S3 requests, from the Authorization header or a presigned
 * URL, against the job's upload credential. Any region is accepted; the service must be s3.
 */
@ApplicationScoped
public class SigV4Authenticator {

    private static final Logger LOG = Logger.getLogger(SigV4Authenticator.class);

    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final long MAX_PRESIGNED_EXPIRY = 7 * 24 * 3600;
    private static final String ENDPOINT_PATH = "/api/cloud/storage";
    private static final Pattern PAYLOAD_HASH = Pattern.compile(
            "[0-9a-f]{64}|UNSIGNED-PAYLOAD|STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)?|STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    private static final Pattern AMZ_DATE_FORM = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final Pattern SIGNATURE_FORM = Pattern.compile("[0-9a-fA-F]{64}");

    private final CredentialStore credentials;
    private final Duration clockSkew;
    private final Supplier<Instant> clock;

    @Inject
    public SigV4Authenticator(CredentialStore credentials, StorageConfig config) {
        this(credentials, config.clockSkew(), Instant::now);
    }

    SigV4Authenticator(CredentialStore credentials, Duration clockSkew, Supplier<Instant> clock) {
        this.credentials = credentials;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** True when the request carries a SigV4 signature in either place (or tries to). */
    public static boolean isSigned(MultiMap headers, List<Map.Entry<String, String>> query) {
        String auth = headers.get("Authorization");
        if (auth != null && (auth.startsWith("AWS4-") || auth.startsWith("AWS "))) {
            return true;
        }
        return query.stream().anyMatch(e -> e.getKey().equals("X-Amz-Algorithm") || e.getKey().equals("X-Amz-Signature")
                || e.getKey().equals("AWSAccessKeyId"));
    }

    /** Parses what the signature claims; malformed signatures are S3 errors. */
    public SignedRequest parse(MultiMap headers, List<Map.Entry<String, String>> query) {
        String auth = headers.get("Authorization");
        if (auth != null && (auth.startsWith("AWS4-") || auth.startsWith("AWS "))) {
            return parseHeader(auth, headers);
        }
        return parseQuery(query);
    }

    private SignedRequest parseHeader(String auth, MultiMap headers) {
        if (!auth.startsWith(SigV4.ALGORITHM + " ")) {
            throw S3Exception.invalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : auth.substring(SigV4.ALGORITHM.length() + 1).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw malformedHeader("expecting Credential=, SignedHeaders= and Signature=");
            }
            String value = p.substring(eq + 1).trim();
            switch (p.substring(0, eq).trim()) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> throw malformedHeader("expecting Credential=, SignedHeaders= and Signature=");
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw malformedHeader("it must contain Credential, SignedHeaders and Signature");
        }
        String amzDate = headers.get("X-Amz-Date");
        if (amzDate == null) {
            String date = headers.get("Date");
            if (date == null) {
                throw new S3Exception(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
            }
            try {
                amzDate = AMZ_DATE.format(DateTimeFormatter.RFC_1123_DATE_TIME.parse(date.trim(), ZonedDateTime::from)
                        .withZoneSameInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                throw new S3Exception(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
            }
        }
        String payloadHash = headers.get("X-Amz-Content-SHA256");
        if (payloadHash == null) {
            throw S3Exception.invalidRequest("Missing required header for this request: x-amz-content-sha256");
        }
        payloadHash = payloadHash.trim();
        if (!PAYLOAD_HASH.matcher(payloadHash).matches()) {
            throw new S3Exception(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a streaming mode or a SHA-256 hex digest");
        }
        return build(credential, signedHeaders, signature, amzDate, false, 0, payloadHash, true);
    }

    private SignedRequest parseQuery(List<Map.Entry<String, String>> query) {
        if (SigV2Presigned.present(query)) {
            return SigV2Presigned.parse(query);
        }
        String algorithm = param(query, "X-Amz-Algorithm");
        if (!SigV4.ALGORITHM.equals(algorithm)) {
            throw queryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        String credential = param(query, "X-Amz-Credential");
        String signedHeaders = param(query, "X-Amz-SignedHeaders");
        String signature = param(query, "X-Amz-Signature");
        String amzDate = param(query, "X-Amz-Date");
        String expires = param(query, "X-Amz-Expires");
        if (credential == null || signedHeaders == null || signature == null || amzDate == null || expires == null) {
            throw queryError("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                    + "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw queryError("X-Amz-Expires should be a number");
        }
        if (expiresSeconds < 0 || expiresSeconds > MAX_PRESIGNED_EXPIRY) {
            throw queryError("X-Amz-Expires must be between 0 and 604800 seconds");
        }
        return build(credential, signedHeaders, signature, amzDate, true, expiresSeconds, SigV4.UNSIGNED_PAYLOAD, false);
    }

    private SignedRequest build(String credential, String signedHeaders, String signature, String amzDate, boolean presigned,
                                long expires, String payloadHash, boolean header) {
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || scope[0].isEmpty() || !"aws4_request".equals(scope[4]) || scope[2].isEmpty()) {
            throw header ? malformedHeader("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"")
                    : queryError("Error parsing the X-Amz-Credential parameter");
        }
        if (!"s3".equals(scope[3])) {
            throw header ? malformedHeader("the service in the Credential must be s3") : queryError("the service in X-Amz-Credential must be s3");
        }
        if (!AMZ_DATE_FORM.matcher(amzDate).matches() || !amzDate.startsWith(scope[1])) {
            throw header ? malformedHeader("the date in the Credential does not match X-Amz-Date")
                    : queryError("the date in X-Amz-Credential does not match X-Amz-Date");
        }
        List<String> names = Arrays.asList(signedHeaders.split(";"));
        if (!names.contains("host")) {
            throw header ? malformedHeader("the host header must be signed") : queryError("the host header must be signed");
        }
        if (!SIGNATURE_FORM.matcher(signature).matches()) {
            throw S3Exception.signatureMismatch();
        }
        return new SignedRequest(scope[0], scope[1], scope[2], scope[3], amzDate, names, signature, presigned, expires, payloadHash);
    }

    /**
     * Looks the credential up and checks the signature, the time window and that every x-amz-*
     * header of a header-signed request is signed.
     */
    public Uni<SignedRequest.Verified> verify(SignedRequest s, String method, String rawPath,
                                              List<Map.Entry<String, String>> query, MultiMap headers) {
        if (s.legacyPresigned()) {
            return verifyLegacyPresigned(s, method, rawPath, query, headers);
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(s.amzDate(), AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return Uni.createFrom().failure(new S3Exception(403, "AccessDenied", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""));
        }
        Instant now = clock.get();
        if (s.presigned()) {
            if (now.isAfter(signedAt.plusSeconds(s.expiresSeconds()))) {
                return Uni.createFrom().failure(new S3Exception(403, "AccessDenied", "Request has expired"));
            }
            if (signedAt.isAfter(now.plus(clockSkew))) {
                return Uni.createFrom().failure(new S3Exception(403, "AccessDenied", "Request is not valid yet"));
            }
        } else if (Duration.between(signedAt, now).abs().compareTo(clockSkew) > 0) {
            return Uni.createFrom().failure(new S3Exception(403, "RequestTimeTooSkewed",
                    "The difference between the request time and the current time is too large."));
        } else {
            for (String name : headers.names()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-amz-") && !s.signedHeaders().contains(lower)) {
                    return Uni.createFrom().failure(new S3Exception(403, "AccessDenied",
                            "There were headers present in the request which were not signed: " + lower));
                }
            }
        }
        List<String> canonical = new ArrayList<>(2);
        try {
            canonical.add(canonicalRequest(s, method, SigV4.canonicalUri(rawPath), query, headers));
            if (!canonical.get(0).startsWith(method + "\n" + rawPath + "\n")) {
                // a client that percent-encoded more than it had to (%2E for '.') signed the path as sent
                canonical.add(canonicalRequest(s, method, rawPath, query, headers));
            }
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(S3Exception.invalidArgument("the request URI is not correctly encoded"));
        }
        List<byte[]> signable = new ArrayList<>(canonical.size() * 2);
        for (String candidate : canonical) {
            signable.addAll(canonicalBytes(candidate));
        }
        return credential(s, now).map(c -> {
            byte[] key = SigV4.signingKey(c.secretAccessKey(), s.date(), s.region(), s.service());
            for (byte[] candidate : signable) {
                if (SigV4.matches(SigV4.sign(key, SigV4.stringToSign(s.amzDate(), s.scope(), candidate)), s.signature())) {
                    return new SignedRequest.Verified(c, s, key);
                }
            }
            LOG.debugf("signature mismatch for %s; canonical request:%n%s", c, canonical.get(0));
            throw S3Exception.signatureMismatch();
        });
    }

    /** A SigV2 presigned URL: before its Expires, HMAC-SHA1 of {@link SigV2Presigned#stringToSign} with the secret. */
    private Uni<SignedRequest.Verified> verifyLegacyPresigned(SignedRequest s, String method, String rawPath,
                                                              List<Map.Entry<String, String>> query, MultiMap headers) {
        Instant now = clock.get();
        if (now.getEpochSecond() > s.expiresSeconds()) {
            return Uni.createFrom().failure(new S3Exception(403, "AccessDenied", "Request has expired"));
        }
        // botocore (aws-cli, boto3) signs the resource without the endpoint's path (/{bucket}/{key},
        // its auth_path); a signer that takes the URL as it is signs the whole path as sent
        List<String> candidates = new ArrayList<>(2);
        candidates.add(SigV2Presigned.stringToSign(method, rawPath, query, headers, s.expiresSeconds()));
        if (rawPath.startsWith(ENDPOINT_PATH + "/")) {
            candidates.add(SigV2Presigned.stringToSign(method, rawPath.substring(ENDPOINT_PATH.length()), query, headers,
                    s.expiresSeconds()));
        }
        return credential(s, now).map(c -> {
            for (String candidate : candidates) {
                if (SigV2Presigned.matches(SigV2Presigned.sign(c.secretAccessKey(), candidate), s.signature())) {
                    return new SignedRequest.Verified(c, s, new byte[0]);
                }
            }
            LOG.debugf("signature (v2) mismatch for %s; string to sign:%n%s", c, candidates.get(0));
            throw S3Exception.signatureMismatch();
        });
    }

    /** The live credential behind a signature: unknown is InvalidAccessKeyId, Redis unreachable is 503. */
    private Uni<UploadCredential> credential(SignedRequest s, Instant now) {
        return credentials.find(s.accessKeyId())
                .onFailure().transform(e -> {
                    LOG.warnf("upload credentials unreadable (Redis): %s", e.toString());
                    // S3 clients retry a 503 with back-off; the credential may well be fine
                    return new S3Exception(503, "ServiceUnavailable", "Please retry: upload credentials cannot be checked right now.");
                })
                .map(found -> {
                    UploadCredential c = found.orElseThrow(() -> new S3Exception(403, "InvalidAccessKeyId",
                            "The AWS Access Key Id you provided does not exist in our records."));
                    if (!c.expiresAt().isAfter(now)) {
                        throw new S3Exception(403, "AccessDenied", "The upload credential has expired");
                    }
                    return c;
                });
    }

    /**
     * The bytes a client may have signed for a canonical request. Everything in it is ASCII but
     * header values, whose chars are the bytes received (see {@link HeaderValues}): S3 signs those
     * raw bytes (a client that sends UTF-8 metadata signs its UTF-8), which is the first form.
     * A client that sends a character as one ISO-8859-1 byte yet signs its UTF-8 (the AWS SDK for
     * Java over Apache HttpClient does) is accepted too: the second form. Either way the signature
     * covers every byte received, so accepting both weakens nothing.
     */
    static List<byte[]> canonicalBytes(String canonical) {
        byte[] utf8 = canonical.getBytes(StandardCharsets.UTF_8);
        if (HeaderValues.isAscii(canonical)) {
            return List.of(utf8);
        }
        return List.of(canonical.getBytes(StandardCharsets.ISO_8859_1), utf8);
    }

    /** The canonical request for a canonical URI (see {@link SigV4#canonicalUri}). */
    static String canonicalRequest(SignedRequest s, String method, String canonicalUri, List<Map.Entry<String, String>> query,
                                   MultiMap headers) {
        StringBuilder out = new StringBuilder(512);
        out.append(method).append('\n').append(canonicalUri).append('\n')
                .append(SigV4.canonicalQuery(query)).append('\n');
        for (String name : s.signedHeaders()) {
            List<String> values = new ArrayList<>();
            for (String v : headers.getAll(name)) {
                values.add(SigV4.canonicalHeaderValue(v));
            }
            out.append(name).append(':').append(String.join(",", values)).append('\n');
        }
        out.append('\n').append(String.join(";", s.signedHeaders())).append('\n').append(s.payloadHash());
        return out.toString();
    }

    private static String param(List<Map.Entry<String, String>> query, String name) {
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static S3Exception malformedHeader(String message) {
        return new S3Exception(400, "AuthorizationHeaderMalformed", "The authorization header is malformed: " + message);
    }

    private static S3Exception queryError(String message) {
        return new S3Exception(400, "AuthorizationQueryParametersError", message);
    }
}
