package io.tuneops.gateway.security;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passwords as Argon2id hashes (BouncyCastle's implementation) with OWASP's parameters: 19 MiB,
 * two passes, one lane, 16-byte salt, 32-byte hash. Stored as the standard PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), which BouncyCastle does not write: that
 * format is hand-written here, a few lines, so that a hash can be checked by any Argon2 library
 * and the parameters can grow without invalidating older hashes. Hashing takes tens of
 * milliseconds of CPU, so it runs on a worker thread, never on an event loop.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final int MEMORY_KIB = 19_456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final Vertx vertx;
    /** Checked when there is no hash to check (unknown user, no password): every failure costs the same. */
    private final String decoy;

    public PasswordHasher(Vertx vertx) {
        this.vertx = vertx;
        this.decoy = hash("decoy password nobody has");
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} is the one {@code phc} was made from; a null or malformed hash is checked against a decoy and fails. */
    public boolean verify(String password, String phc) {
        Matcher m = PHC.matcher(phc == null ? "" : phc);
        boolean real = m.matches();
        if (!real) {
            m = PHC.matcher(decoy);
            m.matches();
        }
        byte[] salt = B64_DECODE.decode(m.group(4));
        byte[] expected = B64_DECODE.decode(m.group(5));
        byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual) && real;
    }

    /** {@link #hash} on a worker thread; the answer comes back on the caller's context. */
    public Uni<String> hashOffLoop(String password) {
        return UniHelper.toUni(vertx.executeBlocking(() -> hash(password), false));
    }

    /** {@link #verify} on a worker thread; the answer comes back on the caller's context. */
    public Uni<Boolean> verifyOffLoop(String password, String phc) {
        return UniHelper.toUni(vertx.executeBlocking(() -> verify(password, phc), false));
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
