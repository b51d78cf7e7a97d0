/**
 * The S3 wire protocol, apart from how objects are kept: AWS Signature Version 4 (and signature
 * version 2 presigned URLs), aws-chunked bodies, streaming a body while checking its digests,
 * flexible checksums, S3 XML and S3 errors, and the grammar of ranges, conditional requests and
 * copy sources. The S3 operations in {@code rest} speak it; files, rows, upload credentials,
 * progress and meters are {@code service} and {@code repository} (the authenticator looks the
 * signing credential up through {@code service.CredentialStore}).
 */
package io.tuneops.storage.s3;
