"""Helpers for bench/storage/run.sh (python3 + boto3, both preinstalled in the image).

  s3bench.py cred  REDIS_PORT ACCESS_KEY SECRET JOB_ID TTL_SECONDS
      writes an upload credential exactly as webhook-service does (SET ... EX), over a bare RESP socket
  s3bench.py small ENDPOINT ACCESS_KEY SECRET BUCKET PREFIX COUNT SIZE THREADS
      COUNT PutObjects of SIZE random bytes from THREADS threads sharing one client; prints ops/s
  s3bench.py delete ENDPOINT ACCESS_KEY SECRET BUCKET PREFIX COUNT
      stores COUNT (at most 1,000) objects of 100 B, then deletes them in one DeleteObjects; prints keys/s
  s3bench.py heap  METRICS_URL PID OUT
      samples heap used (sum of jvm_memory_used_bytes{area="heap"}) and RSS every 100 ms until killed
"""
import concurrent.futures
import datetime
import json
import os
import socket
import sys
import time
import urllib.request


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def cred(redis_port, access_key, secret, job_id, ttl):
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(ttl))
    value = json.dumps({"access_key_id": access_key, "secret_access_key": secret, "job_id": job_id,
                        "bucket": "outputs", "prefix": job_id + "/",
                        "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})
    s = socket.create_connection(("127.0.0.1", int(redis_port)))
    s.sendall(resp("SET", "tuneops:upload-credentials:" + access_key, value, "EX", ttl))
    answer = s.recv(1024)
    if not answer.startswith(b"+OK"):
        sys.exit("redis answered %r" % answer)


def small(endpoint, access_key, secret, bucket, prefix, count, size, threads):
    import boto3
    from botocore.config import Config
    count, size, threads = int(count), int(size), int(threads)
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret,
                      region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, max_pool_connections=threads * 2,
                                    retries={"max_attempts": 1}))
    body = os.urandom(size)
    s3.put_object(Bucket=bucket, Key=prefix + "small/warm", Body=body)  # connection + credential cache

    def put(i):
        s3.put_object(Bucket=bucket, Key="%ssmall/%06d" % (prefix, i), Body=body)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(put, i) for i in range(count)]:
            f.result()
    print("%.1f" % (count / (time.perf_counter() - start)))


def delete(endpoint, access_key, secret, bucket, prefix, count):
    import boto3
    from botocore.config import Config
    count = int(count)
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret,
                      region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, max_pool_connections=8, retries={"max_attempts": 1}))
    keys = ["%sbulk/%05d" % (prefix, i) for i in range(count)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=b"x" * 100), keys))
    start = time.perf_counter()
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})
    took = time.perf_counter() - start
    if answer.get("Errors"):
        sys.exit("DeleteObjects failed for %d keys: %s" % (len(answer["Errors"]), answer["Errors"][0]))
    print("%.1f" % (count / took))


def heap(url, pid, out):
    with open(out, "a") as f:
        while True:
            try:
                text = urllib.request.urlopen(url, timeout=2).read().decode()
                used = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                           if line.startswith("jvm_memory_used_bytes{") and 'area="heap"' in line)
                with open("/proc/%s/status" % pid) as st:
                    rss = next(int(l.split()[1]) * 1024 for l in st if l.startswith("VmRSS:"))
                f.write("%d %d\n" % (used, rss))
                f.flush()
            except Exception:
                pass
            time.sleep(0.1)


if __name__ == "__main__":
    {"cred": cred, "small": small, "delete": delete, "heap": heap}[sys.argv[1]](*sys.argv[2:])
