#!/usr/bin/env python3
"""A Standard Webhooks receiver for Herald's status webhooks, verifying every POST with the independent
`standardwebhooks` library (pip install standardwebhooks). Used by the tests; also a reference for users.

  python3 scripts/webhook-receiver.py DIR          # prints the port it listens on, then serves
  WEBHOOK_SECRET=whsec_... must be set (the secret configured for the endpoint).

Every verified event is appended to DIR/events.jsonl as {"id", "type", "delivery_id", "job_id"}. A POST
whose signature does not verify gets 401 and is counted in DIR/bad_signatures. While DIR/fail exists every
verified POST is answered 500 (and its events are not recorded), to play a receiver that is down.
With FAIL_AFTER=N in the environment the receiver creates DIR/fail itself after accepting N POSTs.
"""
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

DIRECTORY = sys.argv[1]
WEBHOOK = Webhook(os.environ["WEBHOOK_SECRET"])
LOCK = threading.Lock()
FAIL_AFTER = int(os.environ.get("FAIL_AFTER", "0"))
ACCEPTED = [0]


def append(name, text):
    with LOCK, open(os.path.join(DIRECTORY, name), "a") as f:
        f.write(text)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = WEBHOOK.verify(body, headers)
        except WebhookVerificationError:
            append("bad_signatures", "x\n")
            self.reply(401)
            return
        if os.path.exists(os.path.join(DIRECTORY, "fail")):
            self.reply(500)
            return
        lines = ""
        for event in payload["events"]:
            data = event.get("data", {})
            lines += json.dumps({
                "id": event["id"], "type": event["type"], "delivery_id": data.get("delivery_id"),
                "job_id": data.get("job_id"),
            }) + "\n"
        append("events.jsonl", lines)
        with LOCK:
            ACCEPTED[0] += 1
            if FAIL_AFTER and ACCEPTED[0] == FAIL_AFTER:
                open(os.path.join(DIRECTORY, "fail"), "w").close()
        self.reply(204)

    def reply(self, status):
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
