"""boto3 with its default settings against tuneops' S3 endpoint, as a training job uses it.

Run by StorageCliIT: ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, BUCKET, PREFIX,
OTHER_PREFIX and WORK come from the environment. Every check is an assert; the test reads the
outcome from the exit status and the output, and checks what is stored through the gateway itself.
"""
import hashlib
import http.client
import os
import urllib.parse
import urllib.request

import boto3
import botocore.exceptions

endpoint = os.environ["ENDPOINT"]
bucket = os.environ["BUCKET"]
prefix = os.environ["PREFIX"]
other = os.environ["OTHER_PREFIX"]
work = os.environ["WORK"]
s3 = boto3.client("s3", endpoint_url=endpoint)


def refused(call, status, *codes):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        got = (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
        assert got[0] == status and got[1] in codes, "expected %s %s, got %s" % (status, codes, got)
        return
    raise AssertionError("expected %s %s, the call succeeded" % (status, codes))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# single PUT and GET, range GET
body = os.urandom(300_000)
s3.put_object(Bucket=bucket, Key=prefix + "boto/sample.bin", Body=body)
assert s3.get_object(Bucket=bucket, Key=prefix + "boto/sample.bin")["Body"].read() == body
part = s3.get_object(Bucket=bucket, Key=prefix + "boto/sample.bin", Range="bytes=100-199")
assert part["ResponseMetadata"]["HTTPStatusCode"] == 206 and part["Body"].read() == body[100:200]
assert part["ContentRange"] == "bytes 100-199/%d" % len(body), part["ContentRange"]

# upload_file of 100 MiB: multipart in 8 MiB parts, as boto3's transfer manager does by default
big = os.path.join(work, "boto-big.bin")
with open(big, "wb") as f:
    for _ in range(100):
        f.write(os.urandom(1 << 20))
s3.upload_file(big, bucket, prefix + "boto/big.bin")
etag = s3.head_object(Bucket=bucket, Key=prefix + "boto/big.bin")["ETag"]
assert etag.endswith('-13"'), etag
s3.download_file(bucket, prefix + "boto/big.bin", big + ".down")
assert sha256(big) == sha256(big + ".down")
os.remove(big)
os.remove(big + ".down")

# presigned PUT and GET with a plain HTTP client
# (botocore presigns S3 URLs with signature version 2 unless told otherwise; http.client, unlike
# urllib, adds no Content-Type, which a SigV2 signature covers)
put_url = urllib.parse.urlsplit(s3.generate_presigned_url(
    "put_object", Params={"Bucket": bucket, "Key": prefix + "boto/presigned.txt"}, ExpiresIn=300))
connection = http.client.HTTPConnection(put_url.netloc, timeout=30)
connection.request("PUT", put_url.path + "?" + put_url.query, body=b"presigned body")
answer = connection.getresponse()
assert answer.status == 200, (answer.status, answer.read())
connection.close()
get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": prefix + "boto/presigned.txt"}, ExpiresIn=300)
assert urllib.request.urlopen(get_url, timeout=30).read() == b"presigned body"

# copy
s3.copy_object(Bucket=bucket, Key=prefix + "boto/copy.bin", CopySource={"Bucket": bucket, "Key": prefix + "boto/sample.bin"})
assert s3.get_object(Bucket=bucket, Key=prefix + "boto/copy.bin")["Body"].read() == body

# listing: delimiter, then pages of two (V2 continuation tokens and V1 markers)
tree = ["tree/a/1", "tree/a/2", "tree/b/1", "tree/c", "tree/d"]
for key in tree:
    s3.put_object(Bucket=bucket, Key=prefix + key, Body=key.encode())
top = s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "tree/", Delimiter="/")
assert [p["Prefix"] for p in top["CommonPrefixes"]] == [prefix + "tree/a/", prefix + "tree/b/"], top
assert [o["Key"] for o in top["Contents"]] == [prefix + "tree/c", prefix + "tree/d"], top
for operation in ("list_objects_v2", "list_objects"):
    pages = list(s3.get_paginator(operation).paginate(Bucket=bucket, Prefix=prefix + "tree/", PaginationConfig={"PageSize": 2}))
    assert [len(p["Contents"]) for p in pages] == [2, 2, 1], (operation, pages)
    assert [o["Key"] for p in pages for o in p["Contents"]] == [prefix + k for k in tree], operation

# DeleteObjects (boto3 adds the checksum S3 requires)
gone = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": prefix + k} for k in tree]})
assert len(gone["Deleted"]) == 5 and not gone.get("Errors"), gone
assert s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "tree/")["KeyCount"] == 0

# refusals: a wrong secret, another job's prefix, a body changed after signing, hostile keys
wrong = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key="wrong" + os.environ["AWS_SECRET_ACCESS_KEY"])
refused(lambda: wrong.put_object(Bucket=bucket, Key=prefix + "refused/wrong-secret", Body=b"x"), 403, "SignatureDoesNotMatch")
refused(lambda: s3.put_object(Bucket=bucket, Key=other + "refused/stolen", Body=b"x"), 403, "AccessDenied")


def tamper(request, **kwargs):
    data = request.body if isinstance(request.body, bytes) else request.body.read()
    request.body = data[:-1] + bytes([data[-1] ^ 1])


tampering = boto3.client("s3", endpoint_url=endpoint)
tampering.meta.events.register("before-send.s3.PutObject", tamper)
refused(lambda: tampering.put_object(Bucket=bucket, Key=prefix + "refused/tampered", Body=os.urandom(50_000)),
        400, "XAmzContentSHA256Mismatch", "BadDigest")
for key in ("../escape.txt", "refused/../../escape.txt", "refused/./x", ".tuneops-tmp/x"):
    refused(lambda: s3.put_object(Bucket=bucket, Key=prefix + key, Body=b"x"), 400, "InvalidArgument")
print("boto3: all checks passed")
