"""AI insight end to end through the real ./perflens binary (issue 7): the request
it sends, the {"type":"ai"} line, the AI view in tmux, quitting during a hung
request, and secrets that must never leave."""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tui"))

import harness  # noqa: E402
from openai_server import GOOD_ANSWER, OpenAIServer, answer, hang, stream  # noqa: E402

KEY = "sk-perflenstest0123456789abcdefXYZ"
SECRET = "hunter2-e2e-secret"


def _env(extra=None):
    env = dict(os.environ, PERFLENS_AI_KEY=KEY, HOME=tempfile.mkdtemp(prefix="plai-home-"))
    env.pop("OPENAI_API_KEY", None)
    env.pop("HF_TOKEN", None)
    env.update(extra or {})
    return env


def test_json_ai_line_request_shape_and_secrets():
    """--json with a local server: the request goes to BASE/chat/completions with the
    model, system+user messages, the Bearer key and the workload's comm; an
    {"type":"ai"} line follows; neither the key nor the planted secret appears in any
    request body, stdout, stderr or the recording."""
    tmp = tempfile.mkdtemp(prefix="plai-")
    rec = os.path.join(tmp, "ai.plrec")
    with OpenAIServer([answer(GOOD_ANSWER)]) as srv:
        with harness.running("-t", "20ms", "--ai-url", srv.base_url, "--ai-model", "tiny",
                             "--ai-interval", "5", "--record", rec, env=_env()) as pl:
            w = harness.start_helper("plh_piperd", "--name", "plaiwork", "200", "200")
            w.finish()
            a = subprocess.run([harness.helper("plh_argv"), f"--password={SECRET}"],
                               capture_output=True, timeout=20)
            line = pl.wait_for(lambda e: e.get("type") == "ai", 40, "ai line")
            summary = pl.stop()
        reqs = srv.chat_requests()
    assert reqs, "no request reached the server"
    r = reqs[0]
    assert r["path"] == "/v1/chat/completions", r["path"]
    assert r["headers"].get("authorization") == f"Bearer {KEY}"
    body = r["json"]
    assert body["model"] == "tiny" and [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "plaiwork" in body["messages"][1]["content"]
    assert line["headline"] == GOOD_ANSWER["headline"] and line["severity"] == "warning"
    everything = [q["body"].decode("utf-8", "replace") if isinstance(q["body"], bytes)
                  else str(q["body"]) for q in reqs]
    out = b"".join(pl.raw).decode("utf-8", "replace") + pl.stderr.decode("utf-8", "replace")
    blob = open(rec, "rb").read().decode("latin1")
    for where, text in (("request", "\n".join(everything)), ("stdout/stderr", out),
                        ("recording", blob)):
        assert KEY not in text, f"key leaked into {where}"
        assert SECRET not in text, f"secret leaked into {where}"
    assert a.returncode == 0
    rep = subprocess.run([harness.PERFLENS, "report", rec, "--format", "json"],
                         capture_output=True, text=True)
    assert any(x.get("headline") == GOOD_ANSWER["headline"] for x in json.loads(rep.stdout)["ai"])
    assert summary["type"] == "summary"


def _until(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_findings_reach_the_prompt_and_verify():
    """A finding the real rule engine raised (stress-ng --fork: spawn_storm) reaches
    the request body as an fnd#N line naming its parent with the prompt's pid:N id,
    and an answer citing fnd#1 and that pid is verified."""
    cited = dict(GOOD_ANSWER, headline="a fork storm drives the load", findings=[{
        "title": "Fork storm", "category": "cpu", "certainty": "observed",
        "evidence": ["fnd#1"], "explanation": "fnd#1: the rule engine saw it"}])
    with OpenAIServer([answer(cited)]) as srv:
        with harness.running("--no-pmu", "-t", "1s", "--ai-url", srv.base_url, "--ai-model",
                             "tiny", "--ai-interval", "5", env=_env()) as pl:
            st = subprocess.Popen(["stress-ng", "--fork", "1", "--timeout", "40s", "--quiet"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                f = pl.wait_for(lambda e: e.get("type") == "finding"
                                and e.get("rule") == "spawn_storm", 30, "spawn_storm finding")

                def asked_about_it():
                    return [r for r in srv.chat_requests()
                            if "spawn_storm" in r["json"]["messages"][1]["content"]]
                req = _until(asked_about_it, 40, "a request carrying the finding")[0]
                line = pl.wait_for(lambda e: e.get("type") == "ai" and e["findings"]
                                   and e["findings"][0]["verified"], 40, "a verified answer")
            finally:
                st.kill()
                st.wait()
            pl.stop()
    user = req["json"]["messages"][1]["content"]
    fline = [x for x in user.splitlines() if x.startswith("fnd#") and "spawn_storm" in x][0]
    assert "[findings] perflens' rule engine: health=" in user, user
    parent = [v for v in f["evidence"] if v.get("kind") == "process"][0]
    assert f"pid:{parent['pid']} " in fline, (fline, parent)
    assert "stress-ng" in fline, fline
    assert user.index("[findings]") < user.index("</data>")
    assert line["findings"][0]["evidence"] == ["fnd#1"], line
    assert line["unverified"] == 0, line


def test_dry_run_prints_scrubbed_body_and_sends_nothing():
    with OpenAIServer([answer()]) as srv:
        p = subprocess.run([harness.PERFLENS, "--ai-url", srv.base_url, "--ai-model", "tiny",
                            "--ai-dry-run", "-d", "2"], capture_output=True, text=True,
                           env=_env(), timeout=60)
        assert p.returncode == 0, p.stderr
        body = json.loads(p.stdout)
        assert body["model"] == "tiny" and body["messages"][0]["role"] == "system"
        assert KEY not in p.stdout and not srv.chat_requests()


def test_ai_view_in_tmux_and_quit_during_hung_request():
    """The AI view shows the answer, labelled unverified; r asks again; against a
    server that hangs, q still quits within 1 s."""
    import test_tui  # the tmux driver
    with OpenAIServer([stream(GOOD_ANSWER), hang()]) as srv:
        s = test_tui.Screen(f"-t 20ms --ai-url {srv.base_url} --ai-model tiny --ai-interval 5",
                            120, 40, env=f"PERFLENS_AI_KEY={KEY} HOME=/tmp")
        try:
            s.wait_text("Dashboard", 60)
            s.keys("a")
            s.wait_for(lambda t: GOOD_ANSWER["headline"][:40] in t, 40, "the AI headline")
            text = s.wait_text("unverified")
            assert "iostat -x 1 5" in text, text
            s.keys("r")
            srv.wait_requests(2, 20)
            time.sleep(0.5)
            t0 = time.time()
            s.keys("q")
            assert s.wait_exit(5) == 0
            assert time.time() - t0 <= 1.5, time.time() - t0
        finally:
            s.close()


def test_replay_shows_recorded_answers_as_the_clock_reaches_them():
    """Record a run with an AI answer from the local server, replay it in tmux: the
    AI view says the answers are recorded and that r cannot ask, shows nothing
    before the replay clock reaches the answer, then the headline with its time,
    the evidence with what it pointed at (the id never sent marked unverified),
    and the history with the token use."""
    import test_tui  # the tmux driver
    tmp = tempfile.mkdtemp(prefix="plai-rp-")
    os.chmod(tmp, 0o755)
    rec = os.path.join(tmp, "ai.plrec")
    with OpenAIServer([answer(GOOD_ANSWER)]) as srv:
        with harness.running("-t", "20ms", "--ai-url", srv.base_url, "--ai-model", "tiny",
                             "--ai-interval", "5", "--record", rec, env=_env()) as pl:
            w = harness.start_helper("plh_piperd", "--name", "plairp", *(["150"] * 6))
            w.finish()
            line = pl.wait_for(lambda e: e.get("type") == "ai", 40, "ai line")
            time.sleep(1)
            pl.stop()
    assert line["ts"] >= 3, line   # late enough to see the view without it first
    resolved = [r for r in line["findings"][0]["resolved"] if r]
    targets = line["findings"][0]["targets"]
    assert [t is not None for t in targets] == [bool(r) for r in line["findings"][0]["resolved"]]
    assert all(t["kind"] in ("pid", "io", "stack", "hot", "dev", "finding") and t.get("pid", 1) > 0
               for t in targets if t), targets
    s = test_tui.Screen(f"--replay {rec} --speed 1", 160, 50)
    try:
        s.wait_text("REPLAY", 30)
        s.keys("a")
        first = s.wait_text("r is unavailable in replay", 10)
        assert GOOD_ANSWER["headline"][:40] not in first, first
        assert "no AI answer recorded up to this point" in first, first
        text = s.wait_for(lambda t: GOOD_ANSWER["headline"][:40] in t, 40, "the recorded headline")
        assert f"(t+{int(line['ts'])}s)" in text, text
        assert "Latest recorded answer" in text and "History" in text, text
        assert "never sent: unverified" in text, text   # pid:4200 was never in the prompt
        for r in resolved:
            assert r[:30] in text, (r, text)
        tokens = line["usage"]
        assert f"{tokens['prompt_tokens']} prompt + {tokens['completion_tokens']} answer" in text
        assert "iostat -x 1 5" in text
        s.keys("q")
        assert s.wait_exit(10) == 0
    finally:
        s.close()
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
