package io.tuneops.storage.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** S3's entity tags: the MD5 of an object's bytes, or of a multipart object's parts' MD5s. */
public final class ETags {

    private ETags() {
    }

    public static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A multipart object's ETag: the MD5 of its parts' binary MD5s, in order, then "-" and the number of parts. */
    public static String multipart(List<byte[]> partMd5s) {
        MessageDigest md5 = md5();
        partMd5s.forEach(md5::update);
        return SigV4.hex(md5.digest()) + "-" + partMd5s.size();
    }
}
