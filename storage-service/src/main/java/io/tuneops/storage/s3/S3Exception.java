package io.tuneops.storage.s3;

/** A refusal that becomes an S3 XML error: HTTP status, S3 error code and message. */
public class S3Exception extends RuntimeException {

    private final int status;
    private final String code;
    private final String resource;

    public S3Exception(int status, String code, String message) {
        this(status, code, message, null);
    }

    public S3Exception(int status, String code, String message, String resource) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.resource = resource;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String resource() {
        return resource;
    }

    public static S3Exception accessDenied() {
        return new S3Exception(403, "AccessDenied", "Access Denied");
    }

    public static S3Exception invalidArgument(String message) {
        return new S3Exception(400, "InvalidArgument", message);
    }

    public static S3Exception invalidRequest(String message) {
        return new S3Exception(400, "InvalidRequest", message);
    }

    public static S3Exception noSuchKey(String key) {
        return new S3Exception(404, "NoSuchKey", "The specified key does not exist.", key);
    }

    public static S3Exception noSuchBucket(String bucket) {
        return new S3Exception(404, "NoSuchBucket", "The specified bucket does not exist", bucket);
    }

    public static S3Exception noSuchUpload() {
        return new S3Exception(404, "NoSuchUpload",
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
    }

    public static S3Exception badDigest(String message) {
        return new S3Exception(400, "BadDigest", message);
    }

    public static S3Exception signatureMismatch() {
        return new S3Exception(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    }

    public static S3Exception malformedXml() {
        return new S3Exception(400, "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema.");
    }

    public static S3Exception incompleteBody() {
        return new S3Exception(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    }

    public static S3Exception insufficientStorage() {
        return new S3Exception(507, "InsufficientStorage", "There is not enough space on the storage volume to store the object.");
    }

    /** The volume took longer to write an object than the change may stay open: nothing was stored, the client retries. */
    public static S3Exception slowVolume() {
        return new S3Exception(503, "SlowDown", "Please reduce your request rate: the volume is writing slowly.");
    }

    public static S3Exception notImplemented() {
        return new S3Exception(501, "NotImplemented", "A header or query you provided implies functionality that is not implemented.");
    }
}
