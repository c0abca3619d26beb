"""Replay in the TUI (issue 6): no root, the same views, time controls in their own
key layer, the recording's wall-clock time in the status line, and a cast of it."""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_tui  # noqa: E402
from test_tui import PERFLENS, Screen, harness  # noqa: E402


def _record(path):
    with harness.running("-t", "20ms", "--comm", "rpwork", "--record", path) as pl:
        w = harness.start_helper("plh_piperd", "--name", "rpwork", *(["150"] * 6))
        w.finish()
        time.sleep(1.5)
        pl.stop()


def test_replay_tui_controls_as_nobody():
    tmp = tempfile.mkdtemp(prefix="plrp-")
    os.chmod(tmp, 0o755)
    path = os.path.join(tmp, "r.plrec")
    try:
        _record(path)
        shutil.chown(path, "nobody")
        s = Screen(f"--replay {path} --speed 0.25", 120, 35,
                   binary=f"setpriv --reuid=nobody --regid=nogroup --clear-groups {PERFLENS}")
        try:
            s.wait_text("REPLAY", 30)
            s.wait_text("x0.25")
            s.keys(">")
            s.wait_text("x0.5")
            s.keys("x")
            s.wait_text("paused")
            s.keys("J")                     # a minute forward: past the end
            s.keys("x")
            s.keys("e")
            s.wait_text("rpwork", 20)
            s.wait_text("(end)", 20)
            s.keys("?")
            s.wait_text("Help: keys")
            s.keys("End")
            text = s.wait_text("replay: play or pause")
            assert "replay: jump to the next spike" in text
            s.keys("q")
            assert s.wait_exit() == 0
        finally:
            s.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _clock(text):
    """The replay clock in the status line, as seconds of the day."""
    m = re.search(r"REPLAY (\d\d):(\d\d):(\d\d)", text)
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) if m else None


def _hms(secs):
    secs %= 86400
    return f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"


def _shown(text):
    m = re.search(r"(\d+) shown", text)
    return int(m.group(1)) if m else None


def _record_reads(path, comm, reads):
    """reads pipe reads 200 ms apart by comm, recorded, then a second of quiet."""
    with harness.running("-t", "20ms", "--comm", comm, "--record", path) as pl:
        w = harness.start_helper("plh_piperd", "--name", comm, *(["200"] * reads))
        w.finish()
        time.sleep(1.0)
        pl.stop()


@contextlib.contextmanager
def _replay_at_end(comm, reads):
    """The TUI on a fresh recording of _record_reads, paused at its end."""
    tmp = tempfile.mkdtemp(prefix="plrp-")
    path = os.path.join(tmp, "r.plrec")
    try:
        _record_reads(path, comm, reads)
        s = Screen(f"--replay {path} --speed 1", 120, 35)
        try:
            s.wait_text("REPLAY", 30)
            s.keys("x")
            s.wait_text("paused")
            s.keys("J")             # clamped to the newest event
            yield s
        finally:
            s.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_replay_tui_step_back_and_jump_to_time():
    with _replay_at_end("rpseek", 15) as s:
        s.keys("e")
        text = s.wait_for(lambda t: "(end)" in t and "rpseek" in t and _shown(t),
                          what="the end, with the workload")
        end, at_end = _clock(text), _shown(text)

        s.keys(",")                     # one second back
        text = s.wait_for(lambda t: _clock(t) == (end - 1) % 86400 and "(end)" not in t,
                          what=f"REPLAY {_hms(end - 1)}")
        text = s.wait_for(lambda t: (_shown(t) or 0) < at_end, what="fewer events")
        one_back = _shown(text)
        assert "rpseek" in text

        target = _hms(end - 2)          # the recording's wall clock
        s.keys("g")
        s.wait_text("jump to (HH:MM:SS")
        s.literal(target)
        s.keys("Enter")
        text = s.wait_for(lambda t: f"REPLAY {target}" in t and f"jump to {target}" in t,
                          what=f"REPLAY {target}")
        text = s.wait_for(lambda t: 0 < (_shown(t) or 0) < one_back,
                          what="fewer events again, some left")
        assert "rpseek" in text

        s.keys("g")
        s.literal("half past ten")
        s.keys("Enter")
        text = s.wait_text("not a time")
        assert f"REPLAY {target}" in text   # nothing moved

        s.keys("g")
        s.literal("+1s")
        s.keys("Enter")
        s.wait_text(f"REPLAY {_hms(end - 1)}")
        s.keys("q")
        assert s.wait_exit() == 0


def _cursor(text):
    """The timeline cursor's wall-clock time in the view's header."""
    m = re.search(r"cursor (\d\d:\d\d:\d\d)", text)
    return m.group(1) if m else None


def _bars_max(text):
    """The timeline's bar scale ("5/s"): 0 when the window is empty."""
    m = re.search(r"^(\d+)/s", text, re.M)
    return int(m.group(1)) if m else None


def test_replay_tui_timeline_scrub():
    with _replay_at_end("rpscrub", 25) as s:
        s.keys("t")
        text = s.wait_for(lambda t: "(end)" in t and "(play-head)" in t,
                          what="the timeline at the end, cursor on the play-head")
        end = _clock(text)
        h, m, sec = map(int, _cursor(text).split(":"))
        back2 = _hms(h * 3600 + m * 60 + sec - 2)

        s.keys("Left", "Left")          # two seconds back, inside the workload
        text = s.wait_for(lambda t: _cursor(t) == back2, what=f"the cursor on {back2}")
        assert _clock(text) == end      # moving the cursor alone seeks nothing
        target = _cursor(text)
        s.keys("G")
        text = s.wait_for(lambda t: f"REPLAY {target}" in t and "(end)" not in t,
                          what=f"REPLAY {target}")
        assert f"replay from {target}" in text
        text = s.wait_for(lambda t: f"cursor {target} (play-head)" in t,
                          what="the cursor stays on the second sought")
        # The re-fed lookback: the workload's seconds before the target.
        assert (_bars_max(text) or 0) > 0, text
        s.keys("e")
        text = s.wait_text("rpscrub")
        assert f"REPLAY {target}" in text   # paused: the clock stays there
        s.keys("q")
        assert s.wait_exit() == 0
