"""The far end of the notification benchmark: a Standard Webhooks receiver.

  python3 receiver.py PORT SECRET_FILE ARRIVALS_FILE

Answers every POST with 200 and appends one line per request to ARRIVALS_FILE:
"<webhook-id> <arrival, epoch seconds> <1 if the signature verifies, else 0>". The signature is
checked as the Standard Webhooks specification says (HMAC-SHA256 over "id.timestamp.body" with the
base64 key after "whsec_", any of the space-separated "v1,<base64>" signatures, timestamp within
5 minutes): the same check docs/notifications.md shows receivers.
"""
import base64, hashlib, hmac, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, secret_file, arrivals = int(sys.argv[1]), sys.argv[2], sys.argv[3]
key = base64.b64decode(open(secret_file).read().strip()[len("whsec_"):])
out = open(arrivals, "a", buffering=1)
lock = threading.Lock()


def verifies(msg_id, timestamp, body, signatures):
    if not msg_id or not timestamp or abs(time.time() - int(timestamp)) > 300:
        return False
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s.split(",", 1)[1]) for s in signatures.split() if s.startswith("v1,"))


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        msg_id = self.headers.get("webhook-id", "")
        ok = verifies(msg_id, self.headers.get("webhook-timestamp", ""), body, self.headers.get("webhook-signature", ""))
        with lock:
            out.write(f"{msg_id} {arrived:.6f} {1 if ok else 0}\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
server.daemon_threads = True
server.serve_forever()
