package io.tuneops.storage.s3;

/** The object a copy reads, from {@code x-amz-copy-source}. */
public record CopySource(String bucket, String key) {

    /**
     * {@code [/]bucket/key[?versionId=null]}, URL-encoded. Objects have no versions here, so any
     * other version is NoSuchVersion. The key is only split off: whether it can be stored is the
     * caller's check.
     */
    public static CopySource parse(String header) {
        String raw = header.trim();
        int q = raw.indexOf('?');
        if (q >= 0) {
            String version = raw.substring(q + 1);
            raw = raw.substring(0, q);
            if (!version.isEmpty() && !version.equals("versionId=null")) {
                throw new S3Exception(404, "NoSuchVersion", "The specified version does not exist.");
            }
        }
        String decoded;
        try {
            decoded = SigV4.decodeUtf8(SigV4.percentDecode(raw, false));
        } catch (IllegalArgumentException e) {
            throw S3Exception.invalidArgument("Invalid copy source encoding");
        }
        if (decoded.startsWith("/")) {
            decoded = decoded.substring(1);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw S3Exception.invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        return new CopySource(decoded.substring(0, slash), decoded.substring(slash + 1));
    }
}
