"""Sequential scrapes over one keep-alive connection, as Prometheus scrapes a target, with the CPU the
serving processes spent on them (utime + stime from /proc/<pid>/stat, PostgreSQL's backends included).

    python3 scrape.py <host:port> <path> <scrapes> <pid-spec>...

A pid spec is `name=pid` (that process) or `name=children:pid` (that process and its children, for
PostgreSQL's postmaster and its backends). Prints one line:
SCRAPES=n BYTES=b P50_MS=x P99_MS=y CPU_MS_PER_SCRAPE=z CPU_<name>=... (CPU-ms per scrape per process group)
"""
import http.client
import os
import sys
import time

TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # after the command: state(0) ppid(1) ... utime(11) stime(12)
    return int(fields[1]), int(fields[11]) + int(fields[12])


def group_pids(spec):
    if spec.startswith("children:"):
        root = int(spec.split(":", 1)[1])
        pids = [root]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                s = stat(int(entry))
                if s and s[0] == root:
                    pids.append(int(entry))
        return pids
    return [int(spec)]


def cpu(groups):
    """CPU ticks per process, per group (a process that appears later starts from 0)."""
    out = {}
    for name, spec in groups.items():
        for pid in group_pids(spec):
            s = stat(pid)
            if s:
                out[(name, pid)] = s[1]
    return out


def main():
    target, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    groups = dict(a.split("=", 1) for a in sys.argv[4:])
    host, port = target.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Accept": "text/plain; version=0.0.4"}
    times, size = [], 0
    before = cpu(groups)
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"{target}{path} answered {response.status}: {body[:200]!r}")
        size = len(body)
    after = cpu(groups)
    conn.close()
    per_group = {name: 0.0 for name in groups}
    for (name, pid), ticks in after.items():
        per_group[name] += (ticks - before.get((name, pid), 0)) * TICK_MS / n
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(len(times) * q))]
    print(f"SCRAPES={n} BYTES={size} P50_MS={p(0.50):.2f} P99_MS={p(0.99):.2f} "
          f"CPU_MS_PER_SCRAPE={sum(per_group.values()):.3f} "
          + " ".join(f"CPU_{name}={v:.3f}" for name, v in per_group.items()))


main()
