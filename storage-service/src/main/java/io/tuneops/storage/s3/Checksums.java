package io.tuneops.storage.s3;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/** The flexible checksums S3 clients send (x-amz-checksum-*), computed incrementally. */
public final class Checksums {

    private Checksums() {
    }

    public enum Algorithm {
        CRC32, CRC32C, CRC64NVME, SHA1, SHA256;

        /** The header and trailer name, e.g. x-amz-checksum-crc32. */
        public String header() {
            return "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
        }

        /** The element name in S3 XML, e.g. ChecksumCRC32. */
        public String xmlName() {
            return "Checksum" + name();
        }

        public Hasher newHasher() {
            return switch (this) {
                case CRC32 -> new CrcHasher(new CRC32(), 4);
                case CRC32C -> new CrcHasher(new CRC32C(), 4);
                case CRC64NVME -> new CrcHasher(new Crc64Nvme(), 8);
                case SHA1 -> new DigestHasher("SHA-1");
                case SHA256 -> new DigestHasher("SHA-256");
            };
        }

        public static Optional<Algorithm> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            String n = name.trim().toUpperCase(Locale.ROOT);
            if (n.startsWith("X-AMZ-CHECKSUM-")) {
                n = n.substring("X-AMZ-CHECKSUM-".length());
            }
            for (Algorithm a : values()) {
                if (a.name().equals(n)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** Incremental checksum; {@link #digest()} may be called once. */
    public interface Hasher {
        void update(ByteBuffer data);

        byte[] digest();

        default String base64() {
            return Base64.getEncoder().encodeToString(digest());
        }
    }

    /**
     * The checksum of a multipart object made of parts' checksums (S3's COMPOSITE type): the
     * algorithm over the concatenated binary part checksums, suffixed with -{number of parts}.
     */
    public static String composite(Algorithm algorithm, Iterable<String> partChecksumsBase64, int parts) {
        Hasher h = algorithm.newHasher();
        for (String part : partChecksumsBase64) {
            h.update(ByteBuffer.wrap(Base64.getDecoder().decode(part)));
        }
        return h.base64() + "-" + parts;
    }

    private static final class CrcHasher implements Hasher {
        private final Checksum crc;
        private final int bytes;

        CrcHasher(Checksum crc, int bytes) {
            this.crc = crc;
            this.bytes = bytes;
        }

        @Override
        public void update(ByteBuffer data) {
            crc.update(data);
        }

        @Override
        public byte[] digest() {
            long v = crc.getValue();
            byte[] out = new byte[bytes];
            for (int i = bytes - 1; i >= 0; i--) {
                out[i] = (byte) v;
                v >>>= 8;
            }
            return out;
        }
    }

    private static final class DigestHasher implements Hasher {
        private final MessageDigest md;

        DigestHasher(String name) {
            try {
                md = MessageDigest.getInstance(name);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void update(ByteBuffer data) {
            md.update(data);
        }

        @Override
        public byte[] digest() {
            return md.digest();
        }
    }

    /** CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones); not in the JDK. */
    static final class Crc64Nvme implements Checksum {
        private static final long[] TABLE = new long[256];

        static {
            for (int i = 0; i < 256; i++) {
                long c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ 0x9a6c9329ac4bc9b5L : c >>> 1;
                }
                TABLE[i] = c;
            }
        }

        private long crc = -1L;

        @Override
        public void update(int b) {
            crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
        }

        @Override
        public void update(byte[] b, int off, int len) {
            long c = crc;
            for (int i = off; i < off + len; i++) {
                c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
            }
            crc = c;
        }

        @Override
        public void update(ByteBuffer buffer) {
            long c = crc;
            while (buffer.hasRemaining()) {
                c = TABLE[(int) ((c ^ buffer.get()) & 0xff)] ^ (c >>> 8);
            }
            crc = c;
        }

        @Override
        public long getValue() {
            return ~crc;
        }

        @Override
        public void reset() {
            crc = -1L;
        }
    }
}
