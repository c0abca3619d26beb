"""TUI tests: tmux drives the real binary, as root.

Each test starts perflens in a detached tmux session of a fixed size through
a wrapper that records the exit code (and keeps the pane open afterwards, so
the terminal mode can be checked), runs a known workload (tests/helpers/
tui_pipe.c: a slow pipe reader "tui_piperd" and its fork/exec child
"tui_child"), and asserts on capture-pane output, polling up to a deadline.
"""
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import harness  # noqa: E402

ROOT = harness.ROOT
PERFLENS = os.path.join(ROOT, "perflens")
PERFLENS_ASAN = os.path.join(ROOT, "perflens-asan")
START_TIMEOUT = 60

TITLES = [("d", "Dashboard"), ("t", "Timeline"), ("p", "Process tree"), ("e", "Events"),
          ("s", "Stacks"), ("h", "Hot functions"), ("a", "AI insight"), ("?", "Help: keys"),
          ("!", "Open and ongoing"), ("L", "Log: stderr")]


def tmux(*args, check=True):
    p = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=20)
    if check and p.returncode != 0:
        raise AssertionError(f"tmux {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


class Screen:
    """perflens in its own tmux session."""

    count = 0

    def __init__(self, args="", width=80, height=24, binary=PERFLENS, env=""):
        Screen.count += 1
        self.name = f"pltui{os.getpid()}_{Screen.count}"
        self.dir = tempfile.mkdtemp(prefix="pltui-")
        self.exitfile = os.path.join(self.dir, "exit")
        self.errfile = os.path.join(self.dir, "stderr")
        cmd = (f"cd {ROOT} && {env} {binary} {args} 2>{self.errfile}; "
               f"echo EXIT=$? > {self.exitfile}; sleep 600")
        tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
             "sh", "-c", cmd)
        self.target = self.name
        # The session is pinned to its size, whatever clients attach.
        tmux("set-option", "-t", self.name, "window-size", "manual", check=False)

    def text(self):
        return tmux("capture-pane", "-p", "-t", self.target)

    def keys(self, *keys):
        tmux("send-keys", "-t", self.target, *keys)

    def literal(self, s):
        tmux("send-keys", "-t", self.target, "-l", s)

    def wait_for(self, pred, timeout=15, what="text"):
        """Poll the pane until pred(text) is true; return the text."""
        deadline = time.time() + timeout
        text = ""
        while time.time() < deadline:
            text = self.text()
            if pred(text):
                return text
            if self.exited() is not None and not pred(self.text()):
                break
            time.sleep(0.1)
        raise AssertionError(f"no {what} within {timeout}s; exit={self.exited()}\n"
                             f"--- screen ---\n{text}\n--- stderr ---\n{self.stderr()[-2000:]}")

    def wait_text(self, needle, timeout=15):
        return self.wait_for(lambda t: needle in t, timeout, what=repr(needle))

    def resize(self, w, h):
        tmux("resize-window", "-t", self.target, "-x", str(w), "-y", str(h))

    def exited(self):
        try:
            with open(self.exitfile) as f:
                return int(f.read().strip().split("=")[1])
        except (OSError, ValueError, IndexError):
            return None

    def wait_exit(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            code = self.exited()
            if code is not None:
                return code
            time.sleep(0.1)
        raise AssertionError(f"perflens did not exit within {timeout}s\n{self.text()}")

    def stderr(self):
        try:
            with open(self.errfile, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alternate_on(self):
        return tmux("display", "-p", "-t", self.target, "#{alternate_on}").strip()

    def perflens_pid(self):
        """perflens is the child of the pane's shell."""
        shell = int(tmux("display", "-p", "-t", self.target, "#{pane_pid}").strip())
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == shell and "perflens" in stat[:stat.rindex(")")]:
                return int(d)
        raise AssertionError("perflens process not found under the pane's shell")

    def close(self):
        tmux("kill-session", "-t", self.name, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Workload:
    """tests/helpers/tui_pipe: parent tui_piperd, child tui_child."""

    def __init__(self, secs=60):
        self.proc = subprocess.Popen([harness.helper("tui_pipe"), str(secs)],
                                     stdout=subprocess.PIPE, text=True)
        words = self.proc.stdout.readline().split()
        assert words[:1] == ["parent"], f"tui_pipe said {words}"
        self.pid, self.child, self.ino = int(words[1]), int(words[3]), int(words[5])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.kill(self.child, signal.SIGTERM)
        except ProcessLookupError:
            pass


def setup_module():
    assert os.geteuid() == 0, "the TUI tests need root (BPF)"
    assert shutil.which("tmux"), "tmux is not installed"
    assert os.access(PERFLENS, os.X_OK), "build ./perflens first (make perflens)"
    harness.helper("tui_pipe")


def started(s):
    """Wait for the first frame (BPF loading takes a moment)."""
    return s.wait_text("Dashboard", START_TIMEOUT)


def filter_to(s, text):
    s.keys("\\")
    s.wait_text("filter:")
    s.keys("C-u")  # the prompt starts from the current filter: clear it
    s.literal(text)
    s.keys("Enter")


def clear_filter(s):
    s.keys("\\")
    s.wait_text("filter:")
    for _ in range(40):
        s.keys("BSpace")
    s.keys("Enter")


def tree_rows(text):
    """(pid, indent) of each process row in the tree view."""
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if not parts or not parts[0].isdigit():
            continue
        # The command column starts after the fixed columns; measure the
        # indentation of the name (tree guides are drawn before it).
        rows.append((int(parts[0]), line))
    return rows


def indent_of(line, name):
    i = line.find(name)
    return i if i >= 0 else None


def test_views_and_drilldown_80x24():
    s = Screen(width=80, height=24)
    w = None
    try:
        started(s)
        w = Workload(60)
        # Every view answers to its key with its title.
        for key, title in TITLES:
            s.keys(key)
            s.wait_text(title)
        # Events: the workload's comm shows up (filtered, so other activity
        # cannot push it off the 20 visible rows).
        s.keys("e")
        s.wait_text("Events")
        filter_to(s, "comm:tui_piperd type:read")
        s.wait_text("tui_piperd", 20)
        # Enter opens the newest event: its file is the pipe, with a latency.
        s.keys("Home", "Enter")
        text = s.wait_text("Event detail")
        text = s.wait_for(lambda t: f"pipe:[{w.ino}]" in t, what="the event's file")
        assert "latency" in text and ("ms" in text), text
        assert "User stack" in text and "Where it waited" in text, text
        # The kernel frames where the reader sat (resolved off the UI thread).
        text = s.wait_for(lambda t: "pipe_read" in t and "vfs_read" in t, 15,
                          "waited frames in the event detail")
        # Esc goes back to the list, selection kept.
        s.keys("Escape")
        s.wait_text("Events (newest first)")
        # The process tree: the child under the parent.
        s.keys("p")
        s.wait_text("Process tree")
        filter_to(s, "comm:tui_")
        text = s.wait_for(lambda t: str(w.child) in t and str(w.pid) in t, 20,
                          "parent and child in the tree")
        rows = dict(tree_rows(text))
        lines = text.splitlines()
        ip = next(i for i, l in enumerate(lines) if l.split()[:1] == [str(w.pid)])
        ic = next(i for i, l in enumerate(lines) if l.split()[:1] == [str(w.child)])
        assert ic > ip, f"child row {ic} is not below parent row {ip}\n{text}"
        name_p = indent_of(rows[w.pid], "tui_")
        name_c = indent_of(rows[w.child], "tui_")
        assert name_c is not None and name_p is not None and name_c > name_p, \
            f"child not indented under the parent\n{text}"
        # Process detail lists its events and files: search selects the parent.
        s.keys("Home")
        s.literal("/")
        s.literal(str(w.pid))
        s.keys("Enter")
        s.keys("Enter")
        text = s.wait_text(f"Process {w.pid}", 10)
        s.wait_for(lambda t: f"pipe:[{w.ino}]" in t, 15, "the pipe in the process detail")
        s.keys("Escape")
        s.wait_text("Process tree")
        clear_filter(s)
        # Timeline: Enter lists the cursor's second.
        s.keys("t")
        s.wait_text("latency heat map")
        s.keys("Left", "Enter")
        s.wait_text("Events in second")
        s.keys("Escape")
        s.wait_text("Timeline")
        # Pause and resume.
        s.keys("Space")
        s.wait_text("PAUSED")
        s.keys("Space")
        s.wait_text("LIVE")
        # Quit: exit code 0 and the terminal back in normal mode.
        s.keys("q")
        assert s.wait_exit() == 0, s.stderr()
        s.wait_for(lambda t: s.alternate_on() == "0", 5, "the normal screen")
    finally:
        if w:
            w.stop()
        s.close()


def test_resize_and_too_small_200x50():
    s = Screen(width=200, height=50)
    w = None
    try:
        started(s)
        w = Workload(30)
        s.wait_text("Per-device IOPS")  # the wide dashboard
        s.keys("e")
        filter_to(s, "tui_piperd")
        text = s.wait_text("tui_piperd", 20)
        assert "CGROUP" in text, "all event columns at 200 columns\n" + text
        s.resize(100, 30)
        s.wait_for(lambda t: "Events" in t and len(t.splitlines()[0]) <= 100, 10, "redraw at 100x30")
        s.resize(60, 20)
        s.wait_text("terminal too small (need 80x24)")
        s.resize(120, 40)
        s.wait_text("Events (newest first)")
        s.keys("d")
        s.wait_text("Dashboard")
        s.keys("q")
        assert s.wait_exit() == 0, s.stderr()
        s.wait_for(lambda t: s.alternate_on() == "0", 5, "the normal screen")
    finally:
        if w:
            w.stop()
        s.close()


def test_sigterm_restores_terminal():
    s = Screen(width=80, height=24)
    try:
        started(s)
        assert s.alternate_on() == "1"
        os.kill(s.perflens_pid(), signal.SIGTERM)
        assert s.wait_exit() == 0, s.stderr()
        s.wait_for(lambda t: s.alternate_on() == "0", 5, "the normal screen")
    finally:
        s.close()


def test_q_works_on_too_small_screen():
    s = Screen(width=60, height=20)
    try:
        s.wait_text("terminal too small (need 80x24)", START_TIMEOUT)
        s.keys("q")
        assert s.wait_exit() == 0, s.stderr()
    finally:
        s.close()


def test_ascii_and_no_color():
    s = Screen(width=80, height=24, env="LC_ALL=C NO_COLOR=1")
    try:
        text = started(s)
        text = s.wait_for(lambda t: "--" in t and "Slow ops" in t, 10, "ASCII rules")
        assert not any(ord(c) > 127 for c in text), "non-ASCII on a C-locale screen:\n" + text
        s.keys("q")
        assert s.wait_exit() == 0
    finally:
        s.close()


def test_frames_smoke_asan():
    assert os.access(PERFLENS_ASAN, os.X_OK), "build ./perflens-asan first (make asan)"
    s = Screen(args="--frames 5", width=80, height=24, binary=PERFLENS_ASAN)
    try:
        code = s.wait_exit(60)
        err = s.stderr()
        assert code == 0, f"exit {code}\n{err[-3000:]}"
        for bad in ("Sanitizer", "runtime error", "LeakSanitizer"):
            assert bad not in err, err[-3000:]
        s.wait_for(lambda t: s.alternate_on() == "0", 5, "the normal screen")
    finally:
        s.close()


def _check_cast(path, resizes, marks):
    """Our own check of an asciicast v2 file: header, increasing times, "r" events
    matching the resizes done, "m" events matching the bookmarks."""
    with open(path) as f:
        lines = f.read().splitlines()
    head = json.loads(lines[0])
    assert head["version"] == 2 and head["width"] > 0 and head["height"] > 0, head
    assert head["timestamp"] > 1e9 and "TERM" in head["env"], head
    events = [json.loads(l) for l in lines[1:]]
    assert events and all(len(e) == 3 and e[1] in "orm" for e in events), events[:3]
    times = [e[0] for e in events]
    assert all(a <= b for a, b in zip(times, times[1:])), "times must not go back"
    assert [e[2] for e in events if e[1] == "r"] == resizes
    assert [e[2] for e in events if e[1] == "m"] == marks
    return head, events


def test_cast_and_bookmarks():
    """--cast writes a cast our checker accepts: resizes and bookmarks match what was
    done; the screen shows the workload; asciinema cat (in tmux: it needs a terminal)
    replays the views' titles; the bookmark is in the recording's report too."""
    tmp = tempfile.mkdtemp(prefix="plcast-")
    cast, rec = os.path.join(tmp, "s.cast"), os.path.join(tmp, "s.plrec")
    # Only the workload: a busy machine must not push it off the events list.
    s = Screen(f"--cast {cast} --record {rec} -t 20ms --comm castwork", 100, 30)
    c = None
    try:
        s.wait_text("Dashboard", START_TIMEOUT)
        w = harness.start_helper("plh_piperd", "--name", "castwork", "300")
        w.finish()
        s.keys("e")
        s.wait_text("castwork")
        s.resize(120, 35)
        s.wait_for(lambda t: len(t.splitlines()[0]) > 100 or "Events" in t, what="resize")
        time.sleep(1.2)
        s.keys("m")
        s.wait_text("bookmark label")
        s.literal("first look")
        s.keys("Enter")
        s.wait_text("bookmark 1 set")
        # Keep the workload on the last frame: asciinema cat ends on it.
        s.keys("\\")
        s.literal("castwork")
        s.keys("Enter")
        s.wait_text("filter on")
        time.sleep(1.2)
        s.keys("q")
        assert s.wait_exit() == 0
        head, events = _check_cast(cast, ["100x30", "120x35"], ["first look"])
        out = "".join(e[2] for e in events if e[1] == "o")
        assert "castwork" in out and "Events" in out and "Dashboard" in out
        assert oct(os.stat(cast).st_mode & 0o777) == "0o600"
        report = subprocess.run([PERFLENS, "report", rec], capture_output=True, text=True)
        assert "first look" in report.stdout, report.stdout[-800:]
        c = Screen(f"-c 'asciinema cat {cast}; sleep 30'", 120, 35, binary="sh")
        c.wait_for(lambda t: "Events" in t and "castwork" in t, 20, "asciinema cat output")
    finally:
        s.close()
        if c:
            c.close()
        shutil.rmtree(tmp, ignore_errors=True)


def test_cast_with_json_is_an_error():
    p = subprocess.run([PERFLENS, "--json", "--cast", "/tmp/x.cast"], capture_output=True,
                       text=True)
    assert p.returncode == 2 and "--cast" in p.stderr and "--json" in p.stderr, p.stderr


class _HotWithSpinner:
    """perflens (args) on a 120x40 screen showing the hot view while plh_pmc spins:
    `with _HotWithSpinner(args) as (s, pid):`."""

    def __init__(self, args):
        self.s = Screen(args=args, width=120, height=40)
        self.w = None

    def __enter__(self):
        started(self.s)
        self.w = harness.start_helper("plh_pmc", "spin", "20000", stdin=subprocess.PIPE)
        self.w.proc.stdin.write(b"go\n")
        self.w.proc.stdin.flush()
        pid = self.w.pid
        self.s.keys("h")
        self.s.wait_text("Hot functions")
        return self.s, pid

    def __exit__(self, *exc):
        if self.w and self.w.proc.poll() is None:
            self.w.proc.kill()
            self.w.proc.wait()
        self.s.close()


def test_hot_view_counters_software_and_detail():
    """--counters software: the hot view's per-process rows carry IPC, miss, faults
    and context switches; the process detail says the same in words."""
    with _HotWithSpinner("--counters software --comm plh_pmc") as (s, pid):
        text = s.wait_for(lambda t: re.search(rf"^\s*\d+\s+{pid}\s+\d+\.\d\d\s+\d+\.\d%\s+\S+\s+\S+\s+plh_pmc",
                                             t, re.M) is not None, 30,
                          "the spinner's row with IPC and miss cells")
        assert "IPC" in text and "FAULTS" in text and "CSW" in text, text
        assert "no IPC" not in text, text
        # The process detail (the tree, searched to the pid, Enter).
        s.keys("p")
        s.wait_text("Process tree")
        s.keys("Home")
        s.literal("/")
        s.literal(str(pid))
        s.keys("Enter")
        s.keys("Enter")
        s.wait_text(f"Process {pid}", 10)
        s.wait_for(lambda t: "CPU use      IPC " in t and "[software stand-ins]" in t, 15,
                   "the counters line in the process detail")
        s.wait_for(lambda t: "page faults " in t and "context switches " in t, 15,
                   "the /proc line in the process detail")
        s.keys("q")
        assert s.wait_exit() == 0, s.stderr()


def test_hot_view_says_why_ipc_is_missing():
    """Without a hardware PMU the hot view says why there is no IPC, and still shows
    samples, page faults and context switches."""
    if os.path.exists("/sys/bus/event_source/devices/cpu/events/cpu-cycles"):
        return  # a machine with a PMU: the software test above covers the rows
    with _HotWithSpinner("--comm plh_pmc") as (s, pid):
        s.wait_text("no IPC: counters unavailable (no hardware PMU", 15)
        s.wait_for(lambda t: re.search(rf"^\s*\d+\s+{pid}\s+-\s+-\s+\d+\S*\s+\d+\S*\s+plh_pmc",
                                      t, re.M) is not None, 30,
                   "the spinner's row with faults and context switches, no IPC")
        s.keys("q")
        assert s.wait_exit() == 0, s.stderr()
