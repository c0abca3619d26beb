"""What leaves perflens: hostile process names come out JSON-escaped, never raw, and
secrets in command lines are scrubbed (unless --no-scrub)."""
from harness import running, start_helper, helper

HOSTILE = b"pl\x1b[31mEVIL\xff\xfe"          # as set by plh_hostile (13 bytes)
SECRET = "hunter2-secret"


def _ev(typ, **fields):
    return lambda e: e.get("type") == typ and all(e.get(k) == v for k, v in fields.items())


def _raw(pl):
    with pl.lock:
        return b"".join(pl.raw)


def test_hostile_comm_escaped():
    with running("-t", "30ms") as pl:
        w = start_helper("plh_hostile", "150")
        pid = w.pid
        ev = pl.wait_for(_ev("read", pid=pid), 15, "the hostile-named process's read")
        assert w.finish() == 0
        pl.stop()
        raw = _raw(pl)
    # Positive control: the event is there, with the name in it, as characters.
    comm = ev["comm"]
    assert ev["kind"] == "pipe" and ev["lat_us"] >= 50000, ev
    assert comm.startswith("pl\x1b[31mEVIL"), repr(comm)
    assert "\x1b" in comm, repr(comm)
    assert "\ufffd" in comm, repr(comm)
    assert comm == "pl\x1b[31mEVIL\ufffd\ufffd", repr(comm)
    # Never raw on the wire: no ESC byte, no invalid UTF-8, no unparsable line.
    assert b"\x1b" not in raw, "raw ESC byte in stdout"
    assert HOSTILE not in raw
    raw.decode("utf-8")                       # raises on invalid UTF-8
    with pl.lock:
        line = next(r for r, e in zip(pl.raw, pl.lines) if e is ev)
    assert b"\\u001b" in line, line
    assert not pl.events(lambda e: e.get("type") == "__unparsable__")


def _secret_run(*opts):
    with running(*opts) as pl:
        w = start_helper("plh_argv", "100", "--user=alice", f"--password={SECRET}")
        pid = w.pid
        assert w.finish() == 0
        ex = pl.wait_for(_ev("exec", pid=pid), 15, "exec of plh_argv")
        pl.wait_for(_ev("exit", pid=pid), 15, "exit of plh_argv")
        pl.stop()
        return ex, _raw(pl)


def test_secret_scrubbed_from_argv():
    ex, raw = _secret_run()
    # Positive control: argv is there, with the program and the harmless argument.
    assert ex["argv"].startswith(helper("plh_argv")), ex
    assert "--user=alice" in ex["argv"], ex
    assert "--password" in ex["argv"], ex
    assert SECRET not in ex["argv"], ex
    assert SECRET.encode() not in raw, "secret in raw stdout"
    assert b"hunter2" not in raw, "part of the secret in raw stdout"


def test_no_scrub_shows_secret():
    """Counterpart: with --no-scrub the same argv carries the secret (so the check in
    test_secret_scrubbed_from_argv can fail)."""
    ex, raw = _secret_run("--no-scrub")
    assert f"--password={SECRET}" in ex["argv"], ex
    assert SECRET.encode() in raw
