"""Helpers of bench/notifications/run.sh.

  python3 load.py submit WEBHOOK_PORT COUNT > jobs.txt
      submits COUNT generic jobs straight to webhook-service (as the gateway forwards an operator),
      one keep-alive connection; prints their ids
  python3 load.py reports SECRET JOBS_FILE GATEWAY_PORT RATE SECONDS
      sends signed status reports on POST /api/webhooks/generic at RATE per second for SECONDS:
      each job is moved to running ("processing") and, 50 reports later, to completed
      ("succeeded"): two job events per job. Report n is due at start + n / RATE, whichever of 16
      keep-alive connections is free sends it (so the rate holds while answers take up to
      16 / RATE s); prints SENT, NON_200 and the rate reached
  python3 load.py figures EVENTS_FILE ARRIVALS_FILE
      EVENTS_FILE: "<event_id> <occurred_at, epoch s>" per event of the outbox; ARRIVALS_FILE: the
      receiver's lines. Prints EVENTS, RECEIVED (distinct), LOST, DUPLICATES, UNVERIFIED and the
      event-to-delivery latency percentiles in ms (first arrival of each event)
"""
import base64, hashlib, hmac, http.client, json, sys, threading, time, uuid


def submit(port, count):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    headers = {"X-Tuneops-Gateway-Secret": "bench-internal-secret-0123456789", "X-Tuneops-Actor": "bench",
               "X-Tuneops-Scopes": "operator", "Content-Type": "application/json"}
    for i in range(int(count)):
        conn.request("POST", "/api/cloud/jobs/submit?provider=generic", json.dumps({"name": f"notify-bench-{i}"}), headers)
        reply = conn.getresponse()
        body = reply.read()
        if reply.status != 201:
            sys.exit(f"submit answered {reply.status}: {body[:200]!r}")
        print(json.loads(body)["job_id"])


def reports(secret, jobs_file, port, rate, seconds, lag=50, connections=16):
    key = base64.b64decode(secret[len("whsec_"):])
    jobs = [line.strip() for line in open(jobs_file) if line.strip()]
    run, rate = uuid.uuid4().hex[:8], float(rate)
    plan = []
    for i in range(len(jobs) + lag):
        if i < len(jobs):
            plan.append((jobs[i], {"status": "processing", "logs": "epoch 1"}))
        if i >= lag:
            plan.append((jobs[i - lag], {"status": "succeeded", "metrics": {"predict_time": 60}}))
    total = min(len(plan), int(rate * float(seconds)))
    counter, lock, bad = iter(range(total)), threading.Lock(), []
    start = time.time() + 0.2

    def send():
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            pause = start + n / rate - time.time()
            if pause > 0:
                time.sleep(pause)
            job, snapshot = plan[n]
            msg_id, ts = f"msg_{run}_{n}", str(int(time.time()))
            body = json.dumps(dict(id=job, **snapshot), separators=(",", ":"))
            signature = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()
            conn.request("POST", "/api/webhooks/generic", body, {"Content-Type": "application/json", "webhook-id": msg_id,
                                                                 "webhook-timestamp": ts, "webhook-signature": f"v1,{signature}"})
            reply = conn.getresponse()
            reply.read()
            if reply.status != 200:
                bad.append(reply.status)

    threads = [threading.Thread(target=send) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"SENT={total} NON_200={len(bad)} RATE_REACHED={total / (time.time() - start):.0f}")


def figures(events_file, arrivals_file):
    occurred = {}
    for line in open(events_file):
        parts = line.split("|") if "|" in line else line.split()
        if len(parts) == 2:
            occurred[parts[0].strip()] = float(parts[1])
    first, copies, unverified = {}, {}, 0
    for line in open(arrivals_file):
        msg_id, at, ok = line.split()
        if msg_id not in occurred:
            continue
        copies[msg_id] = copies.get(msg_id, 0) + 1
        first[msg_id] = min(first.get(msg_id, float(at)), float(at))
        unverified += ok != "1"
    latencies = sorted((first[e] - occurred[e]) * 1000 for e in first)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")

    span = (max(occurred.values()) - min(occurred.values())) if len(occurred) > 1 else 0
    print(f"EVENTS={len(occurred)} RATE={len(occurred) / span if span else 0:.0f} RECEIVED={len(first)} "
          f"LOST={len(occurred) - len(first)} DUPLICATES={sum(copies.values()) - len(copies)} UNVERIFIED={unverified} "
          f"P50_MS={pct(50):.0f} P90_MS={pct(90):.0f} P99_MS={pct(99):.0f} MAX_MS={pct(100):.0f}")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"submit": submit, "reports": reports, "figures": figures}[command](*args)
