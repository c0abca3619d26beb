"""Findings on the screen (issue 8): tmux drives the real binary.

A real fork storm (stress-ng --fork, two workers: a few hundred new processes
a second on this 2-vCPU machine, over the spawn_storm rule's 100/s for its
3 s) opens a finding.  The dashboard's pane shows it with the health score;
the findings view (!) lists it; Enter expands it and Enter on its process
evidence opens that process's detail; ? explains its rule's thresholds.  A
recording of the same storm, replayed, shows the recorded finding once the
replay clock reaches it, and not before.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tui import Screen, harness, started  # noqa: E402

_stop = harness.stop_process
_children = harness.children

TITLE = "Fork/exec storm"              # spawn_storm's title (src/findings/rules.c)
ROW = "processes/s (warn"              # only on its line in the view (the title is also
                                       # on the health line when it is the main reason)
EVIDENCE = re.compile(r"(?:→|->) pid:(\d+) (\S+)")
HEALTH = re.compile(r"health (\d+)/100")
PANE_ROW = re.compile(r"(warning|critical)\s+\d+[smh]\S*\s+Fork/exec storm (—|-) system")


def _storm(seconds):
    return subprocess.Popen(["stress-ng", "--fork", "2", "--timeout", f"{seconds}s", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _search(s, text):
    """/ then Enter: selects the next line holding text."""
    s.literal("/")
    s.wait_text("search:")
    s.literal(text)
    s.keys("Enter")


def _health(text):
    m = HEALTH.search(text)
    assert m, f"no health score on the screen\n{text}"
    return int(m.group(1))


def _stress_evidence(text):
    return [(int(p), c) for p, c in EVIDENCE.findall(text) if c.startswith("stress-ng")]


def _open_evidence(s):
    """Expand the storm finding, then Enter on its stress-ng process evidence
    (the parent that forks; other work on this shared machine may be cited
    too): that process's detail opens, naming it.  Returns (pid, comm)."""
    _search(s, ROW)
    s.keys("Enter")
    text = s.wait_for(lambda t: _stress_evidence(t), 15, "the finding's stress-ng evidence")
    pid, comm = _stress_evidence(text)[0]
    _search(s, f"pid:{pid} {comm}")
    s.keys("Enter")
    text = s.wait_text(f"Process {pid}", 10)
    assert comm[:15] in text, f"{comm} not in the process detail\n{text}"
    return int(pid), comm


def _explain(s):
    """? on the selected finding: its rule's thresholds and timing.  (The
    search text is the finding's own line: the title alone may also be on
    the health line, as a reason.)"""
    _search(s, ROW)
    s.keys("?")
    text = s.wait_text("explained", 10)
    s.wait_text("fires after 3 consecutive seconds over; clears after 10 seconds under")
    assert "warning  at or above 100 processes/s" in text, text
    assert "critical at or above 500 processes/s" in text, text


def test_live_fork_storm_in_pane_and_view():
    s = Screen("--no-pmu", width=120, height=40)
    storm = None
    try:
        started(s)
        storm = _storm(60)
        # The dashboard pane: the finding's row (severity, age, title, subject)
        # under a health score below 100.
        text = s.wait_for(lambda t: PANE_ROW.search(t), 40, "the storm's row in the pane")
        assert _health(text) < 100, text
        # The view lists it among the open findings, with its evidence ids.
        s.keys("!")
        text = s.wait_text("Open and ongoing", 10)
        assert TITLE in text and "evidence: pid:" in text, text
        pid, comm = _open_evidence(s)
        assert pid == storm.pid or pid in _children(storm.pid), (pid, storm.pid)
        # Back in the view: ? explains, F1 is still help.
        s.keys("Escape")
        s.wait_text("Open and ongoing")
        _explain(s)
        s.keys("Escape")
        s.keys("F1")
        s.wait_text("Help: keys")
        s.keys("q")
        assert s.wait_exit() == 0, s.stderr()
    finally:
        if storm:
            _stop(storm)
        s.close()


def _record(path):
    """A recording that ends with a spawn_storm finding open (perflens stops
    before the storm does).  Returns (the opening line, every process the
    recorded spawn_storm lines cite)."""
    with harness.running("--no-pmu", "--record", path) as pl:
        storm = _storm(60)
        try:
            f = pl.wait_for(lambda e: e.get("type") == "finding" and e.get("rule") == "spawn_storm"
                            and e.get("state") == "open", 40, "spawn_storm finding")
            time.sleep(2)
            pl.stop()
        finally:
            _stop(storm)
    lines = pl.events(lambda e: e.get("type") == "finding" and e.get("rule") == "spawn_storm")
    assert lines[-1]["state"] != "cleared", lines[-1]
    return f, {e["pid"] for ln in lines for e in ln["evidence"] if e.get("kind") == "process"}


def test_replay_shows_recorded_findings_as_the_clock_reaches_them():
    tmp = tempfile.mkdtemp(prefix="plfind-")
    path = os.path.join(tmp, "storm.plrec")
    try:
        f, cited = _record(path)
        assert f["opened"] >= 3, f   # opened seconds after the recording began
        s = Screen(f"--replay {path} --speed 0.25", width=100, height=30)
        try:
            text = s.wait_text("REPLAY", 30)
            # Before the clock reaches it: not shown.
            text = s.wait_text("health", 10)
            assert TITLE not in text, text
            s.keys("J")                          # a minute forward: past the finding
            text = s.wait_for(lambda t: PANE_ROW.search(t), 20, "the recorded finding's row")
            assert _health(text) < 100, text
            s.keys("!")
            text = s.wait_text("Open and ongoing", 10)
            assert TITLE in text, text
            pid, _ = _open_evidence(s)
            assert pid in cited, (pid, cited)
            s.keys("Escape")
            _explain(s)
            s.keys("q")
            assert s.wait_exit() == 0, s.stderr()
        finally:
            s.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
