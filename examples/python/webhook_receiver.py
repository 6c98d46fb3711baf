#!/usr/bin/env python3
"""Receives Entrepot's webhooks, verifies their Standard Webhooks signatures, keeps the verified ones.

    ENTREPOT_WEBHOOK_SECRET=whsec_... python webhook_receiver.py --port 8080 --out webhooks.jsonl

Answers every POST: 401 when the webhook-id / webhook-timestamp / webhook-signature headers are
missing, the timestamp is more than 5 minutes off, or no signature matches the secret; 204 for a
verified webhook, appended to --out as one JSON line ({"webhookId", "receivedAt", "payload"}) and
printed; 200 for a verified webhook whose webhook-id was already received (the notifier retries
until it gets a 2xx, so a delivery may arrive twice), which is not appended again. Ids already
in --out count as received, so a restart keeps deduplicating.

The first line on stdout is `listening on http://HOST:PORT/` (with --port 0 the OS picks the port).
SIGTERM or Ctrl-C stops it (exit 0).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

from standardwebhooks import Webhook, WebhookVerificationError

MAX_BODY_BYTES = 1 << 20


class Inbox:
    """Verified webhooks: the ids seen, and the JSON lines file they are appended to."""

    def __init__(self, secrets: list[str], path: str) -> None:
        # several secrets during a rotation: a webhook signed with any of them is accepted
        self.webhooks = [Webhook(s) for s in secrets]
        self.path = path
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.seen = {json.loads(line)["webhookId"] for line in f if line.strip()}

    def verify(self, body: bytes, headers: dict[str, str]) -> Any:
        """The parsed payload, or WebhookVerificationError."""
        last: Exception = WebhookVerificationError("no secret")
        for webhook in self.webhooks:
            try:
                return webhook.verify(body, headers)
            # a malformed signature header or body makes the library raise ValueError (binascii, unpacking, JSON)
            except (WebhookVerificationError, ValueError) as err:
                last = err
        raise WebhookVerificationError(str(last))

    def keep(self, webhook_id: str, payload: Any) -> bool:
        """Appends a verified webhook unless its id was kept before; True when it was new."""
        with self.lock:
            if webhook_id in self.seen:
                return False
            line = {"webhookId": webhook_id, "receivedAt": datetime.now(timezone.utc).isoformat(), "payload": payload}
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(line, separators=(",", ":")) + "\n")
                f.flush()
                os.fsync(f.fileno())
            self.seen.add(webhook_id)
            return True


def describe(payload: Any) -> str:
    """One line for the terminal: the alert's severity and summary, or the digest's size."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        return "(not an Entrepot alert payload)"
    data = payload["data"]
    if payload.get("type") == "alert.digest":
        return f"alert.digest: {data.get('count')} alerts"
    return f"{payload.get('type')} [{data.get('severity')}] {data.get('rule')}: {data.get('summary')}"


def handler_for(inbox: Inbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = self.headers.get("content-length")
            if length is None or not length.isdigit():
                return self.answer(411, "Content-Length required")
            if int(length) > MAX_BODY_BYTES:
                return self.answer(413, "body too large")
            body = self.rfile.read(int(length))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = inbox.verify(body, headers)
            except WebhookVerificationError as err:
                print(f"rejected {headers.get('webhook-id', '(no webhook-id)')}: {err}", file=sys.stderr, flush=True)
                return self.answer(401, "invalid signature")
            webhook_id = headers["webhook-id"]
            if inbox.keep(webhook_id, payload):
                print(f"verified {webhook_id} {describe(payload)}", flush=True)
                return self.answer(204, None)
            print(f"duplicate {webhook_id} (already received)", flush=True)
            return self.answer(200, "already received")

        def do_GET(self) -> None:  # noqa: N802
            self.answer(405, "POST webhooks here")

        def answer(self, status: int, text: Optional[str]) -> None:
            data = (text + "\n").encode() if text else b""
            self.send_response(status)
            if data:
                self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # one line per webhook is printed above instead of the access log

    return Handler


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Receive and verify Entrepot's Standard Webhooks.")
    p.add_argument("--secret", action="append", help="whsec_... (repeatable during a rotation; default: $ENTREPOT_WEBHOOK_SECRET)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="0: any free port")
    p.add_argument("--out", default="webhooks.jsonl", help="JSON lines file of the verified webhooks (appended)")
    args = p.parse_args(argv)
    args.secret = args.secret or [s for s in [os.environ.get("ENTREPOT_WEBHOOK_SECRET", "")] if s]
    if not args.secret:
        p.error("give the subscription's secret with --secret or ENTREPOT_WEBHOOK_SECRET")
    for s in args.secret:
        if not s.startswith("whsec_"):
            p.error("a secret starts with whsec_ (as `entrepot subscriptions add` prints it)")
    if not 0 <= args.port <= 65535:
        p.error("--port: expected 0..65535")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        inbox = Inbox(args.secret, args.out)
    except (ValueError, KeyError) as err:
        print(f"webhook_receiver: cannot use the secret or read {args.out}: {err}", file=sys.stderr)
        return 2
    server = ThreadingHTTPServer((args.host, args.port), handler_for(inbox))
    host, port = server.server_address[:2]
    # serve_forever runs in its own thread so that a signal handler can call shutdown()
    serving = threading.Thread(target=server.serve_forever, name="http")
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown).start())
    serving.start()
    print(f"listening on http://{host}:{port}/ ({len(inbox.seen)} webhooks already in {args.out})", flush=True)
    serving.join()
    server.server_close()
    print(f"stopped; {len(inbox.seen)} webhooks in {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
