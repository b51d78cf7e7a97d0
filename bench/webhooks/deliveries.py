"""Pre-signs webhook deliveries for wrk (which cannot compute an HMAC itself).

  python3 deliveries.py SECRET JOBS_FILE COUNT DUPLICATE_SHARE HOST:PORT OUT.lua

Each delivery is a raw HTTP request: a Standard Webhooks signature over id.timestamp.body with
the provider's secret, a fresh webhook-id, a "processing" snapshot with a new log line for a
random job; DUPLICATE_SHARE of them repeat an earlier delivery byte for byte (a redelivery).
The timestamp is now: use the file within the 5-minute tolerance.
"""
import base64, hashlib, hmac, json, random, sys, time, uuid

secret, jobs_file, count, dup_share, host, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
key = base64.b64decode(secret[len("whsec_"):])
jobs = [line.strip() for line in open(jobs_file) if line.strip()]
rng = random.Random()
run = uuid.uuid4().hex[:8]
ts = str(int(time.time()))
sent = []
with open(out, "w") as f:
    f.write("return {\n")
    for i in range(count):
        if sent and rng.random() < dup_share:
            request = rng.choice(sent)
        else:
            msg_id = f"msg_{run}_{i}"
            body = json.dumps({"id": rng.choice(jobs), "status": "processing", "logs": f"step {i} loss 0.{i % 997:03d}"},
                              separators=(",", ":"))
            signature = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()
            request = (f"POST /api/webhooks/generic HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                       f"webhook-id: {msg_id}\r\nwebhook-timestamp: {ts}\r\nwebhook-signature: v1,{signature}\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n{body}")
            sent.append(request)
        # a quoted Lua string: long brackets would turn the CRLFs into bare LFs
        f.write('"' + request.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n") + '",\n')
    f.write("}\n")
