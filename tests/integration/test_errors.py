"""Usage errors exit 2 with one line naming the option; an unprivileged run fails with
one clear line.  Positive controls: the same options with good values, and the same
command as root, run."""
import json
import os
import pwd
import shutil
import stat

from harness import PERFLENS, run

BAD = [
    (["--threshold", "fast"], "--threshold"),
    (["--pid", "-3"], "--pid"),
    (["--kinds", "bogus"], "--kinds"),
    (["--duration", "x"], "--duration"),
    (["-t", "5parsecs"], "--threshold"),
    (["--pid", "12,abc"], "--pid"),
]


def _lines(b):
    return [l for l in b.decode("utf-8", "replace").splitlines() if l.strip()]


def test_bad_options_exit_2():
    # Positive control: the same options with good values start and stop cleanly.
    ok = run([PERFLENS, "--json", "--threshold", "200us", "--pid", str(os.getpid()),
              "--kinds", "pipe,file", "--duration", "1"], timeout=60)
    out = [json.loads(l) for l in _lines(ok.stdout)]
    assert ok.returncode == 0, (ok.returncode, ok.stderr)
    assert out and out[0]["type"] == "ready" and out[-1]["type"] == "summary", out[:1]
    assert out[0]["threshold_us"] == 200 and out[0]["pids"] == [os.getpid()], out[0]
    for args, name in BAD:
        p = run([PERFLENS, "--json", *args], timeout=30)
        err = _lines(p.stderr)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert len(err) == 1, (args, err)
        assert name in err[0], (args, err)
        assert args[-1] in err[0], (args, err)   # quotes the bad value
        assert not _lines(p.stdout), (args, p.stdout)


def _nobody_can_run(path):
    """Every directory up to the binary is searchable by others and the binary is
    world-executable (else setpriv would fail for the wrong reason)."""
    d = os.path.dirname(os.path.abspath(path))
    while True:
        if not os.stat(d).st_mode & stat.S_IXOTH:
            return False
        if d == "/":
            break
        d = os.path.dirname(d)
    m = os.stat(path).st_mode
    return bool(m & stat.S_IXOTH and m & stat.S_IROTH)


def test_unprivileged_run_fails_clearly():
    assert shutil.which("setpriv"), "setpriv (util-linux) missing"
    pwd.getpwnam("nobody")
    assert _nobody_can_run(PERFLENS), f"{PERFLENS} is not runnable by nobody; fix the test setup"
    drop = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    # Positive control: setpriv itself works and nobody can execute the binary.
    v = run([*drop, PERFLENS, "--version"], timeout=30)
    assert v.returncode == 0 and b"perflens" in v.stdout, (v.returncode, v.stdout, v.stderr)
    idp = run([*drop, "id", "-u"], timeout=30)
    assert idp.stdout.strip() == str(pwd.getpwnam("nobody").pw_uid).encode()
    p = run([*drop, PERFLENS, "--json", "-d", "2"], timeout=60)
    err = _lines(p.stderr)
    assert p.returncode != 0, (p.returncode, p.stdout[:300])
    assert len(err) == 1, err
    low = err[0].lower()
    assert "root" in low or "cap_bpf" in low, err
    assert not any(b'"type":"ready"' in l for l in p.stdout.splitlines()), p.stdout[:300]
    # Positive control: as root the same command gets to ready.
    r = run([PERFLENS, "--json", "-d", "1"], timeout=60)
    assert r.returncode == 0 and b'"type":"ready"' in r.stdout, (r.returncode, r.stderr)
