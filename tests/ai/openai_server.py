#!/usr/bin/env python3
"""A local OpenAI-compatible test server (stdlib only) for the AI client tests.

It listens on 127.0.0.1 at a random port, records every request (path,
method, headers, raw body, parsed JSON, arrival time on the server's own
monotonic clock) and answers POST /v1/chat/completions from a script of
actions, one per request (the last one repeats):

    answer(obj)                a plain application/json chat.completion
    stream(obj, splits=...)    SSE chunks, written in pieces cut at awkward
                               byte offsets (inside "data:", inside a UTF-8
                               character), with a usage chunk and [DONE]
    status(code, body, headers)  e.g. 429 + Retry-After, 500, 401
    raw(body, ctype)           malformed JSON, a huge body, anything
    stream_error(message)      HTTP 200, then data: {"error": ...}
    endless_stream(total)      an event stream without a length, `total` bytes
    hang()                     read the request, then never answer

Use it from Python (tests/ai/test_ai.py, and the end-to-end tests of the
real binary):

    with OpenAIServer([status(429, ..., {"Retry-After": "2"}), answer(A)]) as srv:
        url = srv.base_url            # http://127.0.0.1:PORT/v1
        ...
        srv.requests                  # what arrived

or standalone: `openai_server.py --scenario plain --record /tmp/reqs.jsonl`
prints "PORT <n>" on stdout and serves until killed.
"""
import argparse
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# An answer the validator accepts; tests replace fields as they need.
GOOD_ANSWER = {
    "headline": "pl-workload reads of /srv/data/table.db wait on a saturated sda",
    "severity": "warning",
    "confidence": "medium",
    "findings": [{
        "title": "Slow file reads",
        "category": "disk",
        "certainty": "observed",
        "evidence": ["io#1", "pid:4200"],
        "explanation": "io#1 p99 39ms while dev#1 sda is 97% busy",
    }],
    "next_steps": [{"action": "Watch the disk queue", "command": "iostat -x 1 5",
                    "risk": "read_only"}],
    "app_or_infra": "infra",
    "unknowns": ["whether the reads are cached"],
}


def answer(obj=None, content=None, finish_reason="stop", usage=True, ctype="application/json"):
    return {"kind": "answer", "obj": obj if obj is not None else GOOD_ANSWER, "content": content,
            "finish_reason": finish_reason, "usage": usage, "ctype": ctype}


def stream(obj=None, content=None, splits=None, finish_reason="stop", usage=True, pause=0.02):
    return {"kind": "stream", "obj": obj if obj is not None else GOOD_ANSWER, "content": content,
            "splits": splits, "finish_reason": finish_reason, "usage": usage, "pause": pause}


def status(code, body=None, headers=None):
    return {"kind": "status", "code": code, "body": body, "headers": headers or {}}


def raw(body, ctype="application/json", code=200):
    return {"kind": "raw", "body": body, "ctype": ctype, "code": code}


def stream_error(message="model overloaded", code="overloaded"):
    return {"kind": "stream_error", "message": message, "code": code}


def hang():
    return {"kind": "hang"}


def endless_stream(total=2 << 20, line=b": ping\n\n"):
    """An event stream with no length that never ends on its own: total bytes of pings."""
    return {"kind": "endless_stream", "total": total, "line": line}


def error_body(message, etype="invalid_request_error", code=None, param=None):
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


def content_of(action):
    if action.get("content") is not None:
        return action["content"]
    return json.dumps(action["obj"], ensure_ascii=False)


def sse_body(content, finish_reason="stop", usage=True):
    """The SSE bytes of a streamed answer: the content spread over a few deltas."""
    events = [{"id": "c1", "object": "chat.completion.chunk", "model": "test",
               "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                            "finish_reason": None}]}]
    step = max(1, len(content) // 5)
    for i in range(0, len(content), step):
        events.append({"id": "c1", "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": {"content": content[i:i + step]},
                                    "finish_reason": None}]})
    events.append({"id": "c1", "object": "chat.completion.chunk",
                   "choices": [{"index": 0, "delta": {}, "finish_reason": finish_reason}]})
    out = b": ping\n\n"
    for e in events:
        out += b"data: " + json.dumps(e, ensure_ascii=False).encode() + b"\n\n"
    if usage:
        out += (b'data: {"id":"c1","choices":null,"usage":{"prompt_tokens":1234,'
                b'"completion_tokens":56,"total_tokens":1290}}\n\n')
    return out + b"data: [DONE]\n\n"


def awkward_splits(body):
    """Offsets that cut inside 'data:', right after a CR/LF, and inside every
    multi-byte UTF-8 character."""
    cuts = set()
    i = body.find(b"data:")
    if i >= 0:
        cuts.add(i + 2)
    i = body.find(b"\n\n")
    if i >= 0:
        cuts.add(i + 1)
    for j, b in enumerate(body):
        if b >= 0xc0:  # a lead byte: cut right after it
            cuts.add(j + 1)
    return sorted(c for c in cuts if 0 < c < len(body))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection; streams end at close
    server_version = "openai-test/1.0"

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        self.server.owner.record(self, b"")
        self._send(404, json.dumps(error_body("not found")).encode())

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        action = self.server.owner.record(self, body)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, json.dumps(error_body(f"no route {self.path}")).encode())
            return
        try:
            getattr(self, "_do_" + action["kind"])(action)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client quit mid-answer: that is what some tests do

    def _send(self, code, body, ctype="application/json", headers=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _do_answer(self, a):
        msg = {"id": "c1", "object": "chat.completion", "model": "test",
               "choices": [{"index": 0, "message": {"role": "assistant", "content": content_of(a)},
                            "finish_reason": a["finish_reason"]}]}
        if a["usage"]:
            msg["usage"] = {"prompt_tokens": 1234, "completion_tokens": 56, "total_tokens": 1290}
        self._send(200, json.dumps(msg, ensure_ascii=False).encode(), a["ctype"])

    def _do_stream(self, a):
        body = sse_body(content_of(a), a["finish_reason"], a["usage"])
        cuts = a["splits"] if a["splits"] is not None else awkward_splits(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.flush()
        prev = 0
        for c in list(cuts) + [len(body)]:
            self.wfile.write(body[prev:c])
            self.wfile.flush()
            prev = c
            time.sleep(a["pause"])

    def _do_status(self, a):
        body = a["body"]
        if body is None:
            body = error_body(f"status {a['code']}")
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self._send(a["code"], body, headers=a["headers"])

    def _do_raw(self, a):
        body = a["body"].encode() if isinstance(a["body"], str) else a["body"]
        self._send(a["code"], body, a["ctype"])

    def _do_stream_error(self, a):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        part = {"choices": [{"index": 0, "delta": {"content": "{\"headl"}}]}
        self.wfile.write(b"data: " + json.dumps(part).encode() + b"\n\n")
        err = {"error": {"message": a["message"], "type": "server_error", "code": a["code"]}}
        self.wfile.write(b"data: " + json.dumps(err).encode() + b"\n\n")
        self.wfile.flush()

    def _do_endless_stream(self, a):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        chunk = a["line"] * max(1, 16384 // len(a["line"]))
        sent = 0
        while sent < a["total"] and not self.server.owner.stopping.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)

    def _do_hang(self, a):
        # Hold the connection open, sending nothing, until the server stops.
        self.server.owner.stopping.wait(120)


class OpenAIServer:
    def __init__(self, script=None, record_path=None):
        self.script = list(script or [answer()])
        self.requests = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.record_path = record_path
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def record(self, handler, body):
        """Remember a request; return the action that answers it."""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        req = {"t": time.monotonic(), "method": handler.command, "path": handler.path,
               "headers": {k.lower(): v for k, v in handler.headers.items()},
               "body": body, "json": parsed}
        with self.lock:
            self.requests.append(req)
            action = self.script[min(len(self.requests) - 1, len(self.script) - 1)]
            if self.record_path:
                with open(self.record_path, "a") as f:
                    f.write(json.dumps({**req, "body": body.decode("utf-8", "replace")}) + "\n")
        return action

    def chat_requests(self):
        with self.lock:
            return [r for r in self.requests if r["path"].rstrip("/") == "/v1/chat/completions"]

    def wait_requests(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.chat_requests()) >= n:
                return self.chat_requests()
            time.sleep(0.02)
        raise AssertionError(f"expected {n} requests, got {len(self.chat_requests())}")

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


SCENARIOS = {
    "plain": [answer()],
    "stream": [stream()],
    "retry429": [status(429, error_body("Rate limit reached", "requests", "rate_limit_exceeded"),
                        {"Retry-After": "2"}), stream()],
    "500then200": [status(500), stream()],
    "401": [status(401, error_body("Invalid API key provided", code="invalid_api_key"))],
    "malformed": [raw("{\"choices\": [ {not json")],
    "huge": [raw(b"{" + b" " * (3 << 20) + b"}")],
    "hang": [hang()],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="plain", choices=sorted(SCENARIOS))
    ap.add_argument("--record", help="append each request as a JSON line to this file")
    a = ap.parse_args()
    srv = OpenAIServer(SCENARIOS[a.scenario], a.record).start()
    print(f"PORT {srv.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    srv.stop()


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    sys.exit(main())
