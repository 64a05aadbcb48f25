#!/usr/bin/env python3
"""receiver.py PORT FILE — the alert receiver of `make test-ops`: a webhook on 127.0.0.1:PORT that
appends each JSON body Alertmanager POSTs to FILE, one line per notification, and answers 200."""
import http.server
import json
import sys

PORT, OUT = int(sys.argv[1]), sys.argv[2]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            note = json.loads(body)
        except ValueError:
            self.send_response(400)
            self.end_headers()
            return
        with open(OUT, "a") as f:
            f.write(json.dumps({"path": self.path, "body": note}) + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("receiver: " + fmt % args + "\n")


http.server.HTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
