"""AI client tests: the worker thread, driven through tests/ai/ai_driver.c
(synthetic stores, the real config resolution and worker), against the local
OpenAI-compatible server in tests/ai/openai_server.py.

Run: tests/run --suite ai   (or python3 -m pytest-free: python3 tests/ai/test_ai.py)

The driver is built here when missing or older than its sources:
    make .output/libengine.a
    cc -std=gnu11 -g -O1 -D_GNU_SOURCE -pthread -Isrc -I. -I.output \
       $(pkg-config --cflags libcurl json-c) tests/ai/ai_driver.c src/ai/[a-z]*.c \
       .output/libengine.a $(pkg-config --libs libbpf libelf libdw libcurl json-c zlib) \
       -lzstd -lm -o .output/tests/ai_driver
AI_DRIVER_ASAN=1 builds and uses an ASan+UBSan driver against .output/asan/libengine.a.
"""
import glob
import json
import os
import queue
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from openai_server import (GOOD_ANSWER, OpenAIServer, answer, endless_stream,  # noqa: E402
                           error_body, hang, raw, status, stream, stream_error)

ASAN = os.environ.get("AI_DRIVER_ASAN") == "1"
OUT = os.path.join(ROOT, ".output", "tests")
DRIVER = os.path.join(OUT, "ai_driver-asan" if ASAN else "ai_driver")
KEY = "plk-Zq7Xw9Rt4Vb2"        # no known token shape: only the literal rule hides it
SECRET = "hunter2"              # in the workload's argv (tests/ai/ai_synth.h)
WORKLOAD = "pl-workload"


def pkg(flag):
    return subprocess.run(["pkg-config", flag, "libbpf", "libelf", "libdw", "libcurl", "json-c",
                           "zlib"], capture_output=True, text=True, check=True).stdout.split()


def build_driver():
    """(Re)build the driver when it is missing or older than a source."""
    archive = os.path.join(ROOT, ".output", "asan" if ASAN else "", "libengine.a")
    srcs = [os.path.join(HERE, "ai_driver.c"), os.path.join(HERE, "ai_synth.h")]
    srcs += glob.glob(os.path.join(ROOT, "src", "ai", "*.[ch]"))
    if not os.path.exists(archive):
        subprocess.run(["make", "-C", ROOT, os.path.relpath(archive, ROOT)], check=True,
                       capture_output=True)
    if os.path.exists(DRIVER) and all(os.path.getmtime(DRIVER) > os.path.getmtime(s)
                                      for s in srcs + [archive]):
        return
    os.makedirs(OUT, exist_ok=True)
    san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"] if ASAN else []
    cmd = (["cc", "-std=gnu11", "-g", "-O1", "-D_GNU_SOURCE", "-pthread", "-Isrc", "-I.",
            "-I.output"] + san + pkg("--cflags") +
           ["tests/ai/ai_driver.c"] + sorted(glob.glob("src/ai/[a-z]*.c", root_dir=ROOT)) +
           [os.path.relpath(archive, ROOT)] + pkg("--libs") + ["-lzstd", "-lm", "-o", DRIVER])
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode:  # another `make` may be rewriting the archive right now
        time.sleep(5)
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, f"building the driver failed:\n{' '.join(cmd)}\n{p.stderr}"


def setup_module():
    build_driver()


class Driver:
    """ai_driver in the background: its JSON lines parsed as they come."""

    def __init__(self, *args, url=None, model="test-model", key=KEY, env=None, wait_ready=True):
        argv = [DRIVER]
        if url:
            argv += ["--url", url]
        if model:
            argv += ["--model", model]
        argv += list(args)
        e = {k: v for k, v in os.environ.items()
             if k not in ("PERFLENS_AI_KEY", "OPENAI_API_KEY", "HF_TOKEN", "PERFLENS_AI_URL",
                          "PERFLENS_AI_MODEL")}
        if key:
            e["PERFLENS_AI_KEY"] = key
        e.update(env or {})
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=e, text=True, bufsize=1)
        self.lines, self.raw_out, self.q = [], [], queue.Queue()
        self.err = ""
        self.t = threading.Thread(target=self._read, daemon=True)
        self.te = threading.Thread(target=self._read_err, daemon=True)
        self.t.start()
        self.te.start()
        if wait_ready:
            self.ready = self.wait(lambda o: o["type"] in ("ready", "config_error"))

    def _read(self):
        for line in self.p.stdout:
            self.raw_out.append(line)
            try:
                o = json.loads(line)
            except ValueError:
                o = {"type": "__unparsable__", "raw": line}
            self.lines.append(o)
            self.q.put(o)
        self.q.put(None)

    def _read_err(self):
        self.err = self.p.stderr.read()

    def send(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()

    def wait(self, pred, timeout=15, what="a line"):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {what} within {timeout}s; got {self.lines[-8:]}; "
                                     f"stderr {self.err[-800:]}")
            try:
                o = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if o is None:
                raise AssertionError(f"driver exited waiting for {what}: {self.lines[-8:]} "
                                     f"stderr {self.p.stderr and self.err[-2000:]}")
            if pred(o):
                return o

    def wait_type(self, typ, timeout=15):
        return self.wait(lambda o: o["type"] == typ, timeout, typ)

    def view(self):
        self.send("view")
        return self.wait_type("view")

    def wait_view(self, pred, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = self.view()
            if pred(v):
                return v
            time.sleep(0.05)
        raise AssertionError(f"view never matched; last {v}")

    def quit(self, timeout=10):
        self.send("quit")
        q = self.wait_type("quit", timeout)
        self.p.wait(timeout)
        self.te.join(5)
        assert self.p.returncode == 0, f"driver exit {self.p.returncode}: {self.err[-2000:]}"
        assert "ERROR: AddressSanitizer" not in self.err and "runtime error" not in self.err, \
            self.err[-3000:]
        return q

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def settled(o):
    """The end of a question: an answer, a pause, or a final error."""
    return o["type"] == "ai" or (o["type"] == "ai_status" and
                                 (o["status"] == "paused" or o.get("final")))


def run_once(script, *args, timeout=15, until=settled, **kw):
    """Ask once against a scripted server; return (server requests, the line that
    ended the question, the driver)."""
    with OpenAIServer(script) as srv:
        d = Driver("--interval", "3600", *args, url=srv.base_url, **kw)
        try:
            d.send("ask")
            last = d.wait(until, timeout, "the end of the question")
            d.quit()
        finally:
            d.kill()
        return srv.chat_requests(), last, d


def any_status(o):
    return o["type"] == "ai_status"


def ai_lines(d):
    return [o for o in d.lines if o["type"] == "ai"]


def strings_of(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for v in o.values():
            yield from strings_of(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings_of(v)


# ---------------------------------------------------------------- request shape

def test_request_shape():
    reqs, ans, d = run_once([answer()])
    assert ans["type"] == "ai", ans
    assert len(reqs) == 1
    r = reqs[0]
    assert r["method"] == "POST" and r["path"] == "/v1/chat/completions"
    assert r["headers"]["authorization"] == f"Bearer {KEY}"
    assert r["headers"]["content-type"] == "application/json"
    assert r["headers"]["user-agent"].startswith("perflens/")
    b = r["json"]
    assert b["model"] == "test-model"
    assert [m["role"] for m in b["messages"]] == ["system", "user"]
    assert "USE method" in b["messages"][0]["content"]
    assert WORKLOAD in b["messages"][1]["content"]
    assert "<data>" in b["messages"][1]["content"]
    assert abs(b["temperature"] - 0.1) < 1e-9
    assert b["max_tokens"] == 800 and "max_completion_tokens" not in b
    assert b["stream"] is True and b["stream_options"] == {"include_usage": True}
    rf = b["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["strict"] is True
    assert set(rf["json_schema"]["schema"]["required"]) == set(GOOD_ANSWER)
    # the plain (non-streamed) answer arrives whole, parsed
    assert ans["headline"] == GOOD_ANSWER["headline"]
    assert ans["severity"] == "warning" and ans["confidence"] == "medium"
    assert ans["findings"][0]["verified"] is True
    assert ans["usage"] == {"prompt_tokens": 1234, "completion_tokens": 56, "estimated": False}
    assert ans["label"] == "AI suggestion \u2014 unverified"
    assert ans["format"] == "json_schema"


def test_no_key_no_authorization_header():
    reqs, ans, d = run_once([answer()], key=None)
    assert ans["type"] == "ai"
    assert "authorization" not in reqs[0]["headers"]


def test_loopback_bypasses_proxy():
    # A proxy from the environment must not be used for a loopback endpoint.
    reqs, ans, d = run_once([answer()], env={"http_proxy": "http://127.0.0.1:9",
                                             "HTTP_PROXY": "http://127.0.0.1:9",
                                             "all_proxy": "http://127.0.0.1:9"})
    assert ans["type"] == "ai" and len(reqs) == 1


# ---------------------------------------------------------------- answers

def test_streamed_answer_awkward_splits():
    obj = dict(GOOD_ANSWER, headline="sda d\u00e9j\u00e0 satur\u00e9e \u2014 \U0001F525 p99 39 ms")
    reqs, ans, d = run_once([stream(obj)])
    assert ans["type"] == "ai", ans
    assert ans["headline"] == obj["headline"]  # split inside every UTF-8 character
    assert ans["usage"]["prompt_tokens"] == 1234 and not ans["usage"]["estimated"]


def test_stream_fills_the_view():
    with OpenAIServer([stream(pause=0.15)]) as srv:
        d = Driver("--interval", "3600", url=srv.base_url)
        try:
            d.send("ask")
            v = d.wait_view(lambda v: v["status"] == "streaming" and v["partial_headline"], 10)
            assert GOOD_ANSWER["headline"].startswith(v["partial_headline"])
            d.wait_type("ai")
            v = d.view()
            assert v["status"] == "idle" and v["have_answer"] and v["nhistory"] == 1
            assert v["headline"] == GOOD_ANSWER["headline"]
            d.quit()
        finally:
            d.kill()


def test_server_without_streaming():
    # stream:true ignored: an application/json body is parsed whole
    reqs, ans, d = run_once([answer(usage=False)])
    assert ans["type"] == "ai"
    assert ans["usage"]["estimated"] is True and ans["usage"]["prompt_tokens"] > 100


def test_answer_in_prose():
    content = "Here you go:\n```json\n" + json.dumps(GOOD_ANSWER) + "\n```"
    reqs, ans, d = run_once([stream(content=content)])
    assert ans["type"] == "ai" and ans["headline"] == GOOD_ANSWER["headline"]


# ---------------------------------------------------------------- errors

def test_retry_after_honoured():
    script = [status(429, error_body("Rate limit reached", "requests", "rate_limit_exceeded"),
                     {"Retry-After": "2"}), stream()]
    reqs, ans, d = run_once(script, timeout=20)
    assert ans["type"] == "ai"
    assert len(reqs) == 2
    gap = reqs[1]["t"] - reqs[0]["t"]  # the server's own clock
    assert gap >= 2.0, gap
    assert gap < 4.0, gap
    st = [o for o in d.lines if o["type"] == "ai_status"]
    assert st and "429" in st[0]["message"] and "Rate limit reached" in st[0]["message"]


def test_500_then_success():
    reqs, ans, d = run_once([status(500), stream()], timeout=20)
    assert ans["type"] == "ai" and len(reqs) == 2
    assert reqs[1]["t"] - reqs[0]["t"] >= 0.5  # jittered backoff: half to all of 1 s


def test_401_final_with_message():
    script = [status(401, error_body("Invalid API key provided: plk-****", code="invalid_api_key"))]
    with OpenAIServer(script) as srv:
        d = Driver("--interval", "3600", url=srv.base_url)
        try:
            d.send("ask")
            st = d.wait(lambda o: o["type"] == "ai_status" and o["final"], 10, "final status")
            assert "401" in st["message"] and "Invalid API key provided" in st["message"]
            v = d.view()
            assert v["status"] == "error" and "Invalid API key provided" in v["message"]
            assert v["next_check_s"] < 0  # no timed retries after a final error
            time.sleep(0.5)
            assert len(srv.chat_requests()) == 1
            d.send("ask")  # the key press lifts it
            srv.wait_requests(2)
            d.quit()
        finally:
            d.kill()


def test_quota_never_retried():
    body = error_body("You exceeded your current quota", "insufficient_quota",
                      "insufficient_quota")
    reqs, st, d = run_once([status(429, body, {"Retry-After": "1"}), stream()])
    assert st["type"] == "ai_status" and st["final"], st
    time.sleep(0.2)
    assert len(reqs) == 1


def test_pause_after_three_failures():
    reqs, st, d = run_once([status(503, error_body("overloaded", "server_error"))], timeout=30)
    assert st["type"] == "ai_status" and st["status"] == "paused", st
    assert "503" in st["message"] and "overloaded" in st["message"]
    assert len(reqs) == 3


def test_stream_error_event_is_retried():
    reqs, ans, d = run_once([stream_error(), stream()], timeout=20)
    assert ans["type"] == "ai" and len(reqs) == 2
    st = [o for o in d.lines if o["type"] == "ai_status"]
    assert "model overloaded" in st[0]["message"]


def test_max_tokens_fallback():
    body = error_body("Unsupported parameter: 'max_tokens' is not supported with this model. "
                      "Use 'max_completion_tokens' instead.", param="max_tokens",
                      code="unsupported_parameter")
    reqs, ans, d = run_once([status(400, body), stream()])
    assert ans["type"] == "ai" and len(reqs) == 2
    assert "max_tokens" in reqs[0]["json"]
    assert "max_tokens" not in reqs[1]["json"] and reqs[1]["json"]["max_completion_tokens"] == 800


def test_response_format_fallbacks():
    body = error_body("response_format json_schema is not supported", param="response_format")
    reqs, ans, d = run_once([status(400, body), status(400, body), stream()])
    assert ans["type"] == "ai" and len(reqs) == 3
    assert reqs[0]["json"]["response_format"]["type"] == "json_schema"
    assert reqs[1]["json"]["response_format"]["type"] == "json_object"
    assert "response_format" not in reqs[2]["json"]
    assert "JSON" in reqs[1]["json"]["messages"][0]["content"]  # json_object needs the word
    assert ans["format"] == "plain"


def test_malformed_json():
    reqs, st, d = run_once([raw("{\"choices\": [ {not json")], until=any_status)
    # an error shown, not retried, and the driver lives on (quit() checked its exit)
    assert st["status"] == "error" and "not JSON" in st["message"], st
    assert not st["final"] and len(reqs) == 1
    assert not ai_lines(d)


def test_malformed_answer_content():
    reqs, st, d = run_once([stream(content="{\"headline\": 7, \"severity\": \"ok\"")],
                           until=any_status)
    assert st["status"] == "error" and "unusable answer" in st["message"], st


def test_huge_body():
    with OpenAIServer([raw(b"{\"x\":\"" + b"a" * (3 << 20) + b"\"}")]) as srv:
        d = Driver("--interval", "3600", url=srv.base_url)
        try:
            d.send("ask")
            st = d.wait(lambda o: o["type"] == "ai_status", 15, "a status")
            assert "larger than" in st["message"], st
            assert d.view()["status"] == "error"
            d.quit()
        finally:
            d.kill()


def test_huge_stream():
    # no Content-Length: the cap is enforced while the bytes arrive
    reqs, st, d = run_once([endless_stream()], until=any_status)
    assert "larger than" in st["message"] and not st["final"], st
    reqs, st, d = run_once([endless_stream(total=1 << 19, line=b"data: " + b"x" * 4096)],
                           until=any_status)
    assert "line over" in st["message"], st


def test_hang_quits_within_one_second():
    with OpenAIServer([hang()]) as srv:
        d = Driver("--interval", "3600", url=srv.base_url)
        try:
            d.send("ask")
            srv.wait_requests(1)
            d.wait_view(lambda v: v["status"] == "requesting")
            t0 = time.monotonic()
            q = d.quit(timeout=5)
            wall = time.monotonic() - t0
            assert q["ms"] < 1000, q
            assert wall < 1.5, wall
        finally:
            d.kill()


# ---------------------------------------------------------------- hostile content

def test_escape_sequences_never_raw():
    esc = dict(GOOD_ANSWER,
               headline="\x1b[2J\x1b]0;owned\x07 disk \x9b31m busy",
               findings=[dict(GOOD_ANSWER["findings"][0], title="\x1b[5mblink",
                              explanation="\x1bP+q\x1b\\ \r\n")],
               next_steps=[{"action": "\x1b[8mhidden", "command": "rm -rf / \x1b[8m",
                            "risk": "disruptive"}])
    reqs, ans, d = run_once([stream(esc)])
    assert ans["type"] == "ai"
    v = d.lines  # every line the driver printed, decoded
    for o in v:
        for s in strings_of(o):
            assert "\x1b" not in s and "\x9b" not in s and "\x07" not in s, (o["type"], s)
    assert "^[" in ans["headline"]
    for line in d.raw_out:
        assert "\x1b" not in line


def test_unknown_id_unverified():
    obj = dict(GOOD_ANSWER, findings=[
        dict(GOOD_ANSWER["findings"][0], evidence=["io#1", "stk#1"]),
        dict(GOOD_ANSWER["findings"][0], title="invented", evidence=["io#999", "pid:4200"]),
        dict(GOOD_ANSWER["findings"][0], title="perflens itself", evidence=["pid:%SELF%"]),
    ])
    with OpenAIServer([]) as srv:
        d = Driver("--interval", "3600", url=srv.base_url)
        try:
            self_pid = d.ready["pid"]
            for f in obj["findings"]:
                f["evidence"] = [e.replace("%SELF%", str(self_pid)) for e in f["evidence"]]
            srv.script = [stream(obj)]
            d.send("ask")
            ans = d.wait_type("ai")
            f = ans["findings"]
            assert f[0]["verified"] is True and f[0]["unknown_evidence"] == []
            assert f[1]["verified"] is False and f[1]["unknown_evidence"] == ["io#999"]
            assert f[2]["verified"] is False  # its own pid was never sent
            assert ans["unverified"] == 2
            d.send("evidence io#1")
            e = d.wait_type("evidence")
            assert e["found"] and e["pid"] == 4200 and e["name"] == "/srv/data/table.db"
            d.quit()
        finally:
            d.kill()


# ---------------------------------------------------------------- secrets

def check_no_secrets(reqs, d, *needles):
    for r in reqs:
        for n in needles:
            assert n.encode() not in r["body"], f"{n} in a request body"
            for k, v in r["headers"].items():
                if k != "authorization":
                    assert n not in v
    for n in needles:
        assert not any(n in line for line in d.raw_out), f"{n} on stdout"
        assert n not in d.err, f"{n} in the logs"


def test_secrets_never_sent():
    for extra in ([], ["--full-cmdline"]):
        reqs, ans, d = run_once([stream()], "--plant-key", *extra)
        assert ans["type"] == "ai"
        body = reqs[0]["json"]["messages"][1]["content"]
        assert WORKLOAD in body
        check_no_secrets(reqs, d, KEY, SECRET)
        assert "/var/cache/***/blob" in body  # the key was in a path: scrubbed there
        if extra:
            assert "--password=***" in body and "--verbose-flag" in body
        else:
            assert "--verbose-flag" not in body and "/usr/local/bin" not in body
        assert reqs[0]["headers"]["authorization"] == f"Bearer {KEY}"
        assert "log: ai: POST 127.0.0.1" in d.err  # metadata only


def test_perflens_own_pid_left_out():
    reqs, ans, d = run_once([stream()])
    body = reqs[0]["json"]["messages"][1]["content"]
    assert f"pid:{d.ready['pid']}" not in body
    assert "perflens_secret_frame" not in body and "secret_io" not in body


def test_dry_run_shows_scrubbed_body():
    env = dict(os.environ, PERFLENS_AI_KEY=KEY)
    p = subprocess.run([DRIVER, "--dry-run", "--plant-key", "--full-cmdline", "--model", "m"],
                       capture_output=True, text=True, env=env, timeout=30)
    assert p.returncode == 0, p.stderr
    b = json.loads(p.stdout)
    user = b["messages"][1]["content"]
    assert WORKLOAD in user and "--password=***" in user
    assert KEY not in p.stdout and SECRET not in p.stdout
    assert b["model"] == "m" and b["stream"] is True


def test_cleartext_key_refused():
    d = Driver(url="http://10.255.255.1:8000/v1")
    try:
        assert d.ready["type"] == "config_error"
        assert "cleartext" in d.ready["message"]
        d.p.wait(10)
        assert d.p.returncode == 2
    finally:
        d.kill()


def test_non_loopback_warns():
    d = Driver(url="https://llm.example.invalid/v1", key=None)
    try:
        assert d.ready["type"] == "ready" and "not on this machine" in d.ready["warning"]
        d.quit()
    finally:
        d.kill()


# ---------------------------------------------------------------- the timer

def test_material_change_gates_timed_questions():
    # Timed checks every 5 s.  The synthetic burst is in the window at the
    # first check (1 s), gone from it at the second (6 s: activity stopped,
    # a change), and nothing moves by the third (11 s): no question.
    with OpenAIServer([stream()]) as srv:
        d = Driver("--interval", "5", "--first", "1", url=srv.base_url)
        try:
            d.wait(lambda o: o["type"] == "ai" and len(ai_lines(d)) >= 2, 12, "two answers")
            d.wait_view(lambda v: "no material change" in v["message"], 8)
            assert len(srv.chat_requests()) == 2
            prev = srv.chat_requests()[1]["json"]["messages"][1]["content"]
            assert GOOD_ANSWER["headline"] in prev  # [prev] carries the last headline
            d.send("feed 20000")                   # slower and busier: a material change
            d.wait(lambda o: o["type"] == "ai" and len(ai_lines(d)) >= 3, 8, "a third answer")
            assert len(srv.chat_requests()) == 3
            d.send("ask")                          # asking always asks
            srv.wait_requests(4)
            d.quit()
        finally:
            d.kill()


if __name__ == "__main__":
    setup_module()
    failed = 0
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            t0 = time.time()
            try:
                fn()
                print(f"PASS {name} ({time.time() - t0:.1f}s)", flush=True)
            except Exception:
                import traceback
                failed += 1
                print(f"FAIL {name} ({time.time() - t0:.1f}s)", flush=True)
                traceback.print_exc()
    sys.exit(1 if failed else 0)
