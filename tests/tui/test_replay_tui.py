"""Replay in the TUI (issue 6): no root, the same views, time controls in their own
key layer, the recording's wall-clock time in the status line, and a cast of it."""
import os
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
