"""Shared helpers for the integration and TUI tests: run perflens, wait for its
`ready` line, poll its JSON output up to a deadline, and build workloads."""
import json
import os
import signal
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PERFLENS = os.environ.get("PERFLENS", os.path.join(ROOT, "perflens"))
HELPERS = os.path.join(ROOT, ".output", "helpers")


def helper(name):
    """Path of a workload helper built from tests/helpers/NAME.c."""
    p = os.path.join(HELPERS, name)
    assert os.access(p, os.X_OK), f"helper {name} not built (make helpers)"
    return p


class Perflens:
    """perflens --json running in the background; lines parsed as they come."""

    def __init__(self, *args, binary=None, env=None, ready_timeout=30, wait_ready=True,
                 wrapper=()):
        # wrapper: argv prefix that execs the binary in place (same pid), e.g.
        # [helper("plh_notracefs")].
        self.argv = [*wrapper, binary or PERFLENS, "--json", *args]
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, start_new_session=True)
        self.lines = []        # parsed JSON objects, in order
        self.raw = []          # raw stdout lines (bytes)
        self.stderr = b""
        self.lock = threading.Lock()
        self.t_out = threading.Thread(target=self._read_out, daemon=True)
        self.t_err = threading.Thread(target=self._read_err, daemon=True)
        self.t_out.start()
        self.t_err.start()
        self.ready = None
        if wait_ready:
            self.ready = self.wait_for(lambda e: e.get("type") == "ready", ready_timeout,
                                       what="ready line")

    def _read_out(self):
        for line in self.proc.stdout:
            with self.lock:
                self.raw.append(line)
                try:
                    self.lines.append(json.loads(line))
                except ValueError:
                    self.lines.append({"type": "__unparsable__", "raw": line.decode("latin1")})

    def _read_err(self):
        data = self.proc.stderr.read()
        self.stderr = data

    def events(self, pred=lambda e: True):
        with self.lock:
            return [e for e in self.lines if pred(e)]

    def wait_for(self, pred, timeout, what="event"):
        """Poll until an output line satisfies pred; return it or raise."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.events(pred)
            if got:
                return got[0]
            if self.proc.poll() is not None and not self.t_out.is_alive():
                got = self.events(pred)
                if got:
                    return got[0]
                raise AssertionError(f"perflens exited {self.proc.returncode} before {what}; "
                                     f"stderr: {self._err_text()}")
            time.sleep(0.05)
        raise AssertionError(f"no {what} within {timeout}s; stderr: {self._err_text()}")

    def wait_count(self, pred, n, timeout, what="events"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.events(pred)
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError(f"only {len(self.events(pred))} of {n} {what} within {timeout}s")

    def _err_text(self):
        try:
            return self.stderr.decode("utf-8", "replace")[-2000:]
        except Exception:
            return "?"

    def stop(self, sig=signal.SIGINT, timeout=20):
        """Stop perflens; return the summary object (asserts it came)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("perflens did not stop within %ss" % timeout)
        self.t_out.join(5)
        self.t_err.join(5)
        summ = self.events(lambda e: e.get("type") == "summary")
        assert summ, f"no summary line; exit {self.proc.returncode}; stderr: {self._err_text()}"
        return summ[-1]

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def run(argv, timeout=60, **kw):
    return subprocess.run(argv, capture_output=True, timeout=timeout, **kw)


def of_pid(pid, typ=None):
    return lambda e: e.get("pid") == pid and (typ is None or e.get("type") == typ)


# --- workloads --------------------------------------------------------------

class Workload:
    """A helper process whose stdout lines ("pid P", "child C", ...) are collected
    as they come.  The helpers print their own pid first, line-buffered."""

    def __init__(self, argv, env=None, **kw):
        self.argv = [str(a) for a in argv]
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, **kw)
        self.lines = []
        self.lock = threading.Lock()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def wait_line(self, prefix, timeout=10):
        """The first stdout line starting with prefix (rest of the line returned)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line[len(prefix):].strip()
            if self.proc.poll() is not None and not self.t.is_alive():
                break
            time.sleep(0.01)
        with self.lock:
            for line in self.lines:
                if line.startswith(prefix):
                    return line[len(prefix):].strip()
        raise AssertionError(f"{self.argv[0]}: no line {prefix!r} within {timeout}s; "
                             f"got {self.lines!r}, exit {self.proc.poll()}, "
                             f"stderr {self._stderr()!r}")

    def _stderr(self):
        if self.proc.poll() is None:
            return "(running)"
        try:
            return self.proc.stderr.read().decode("utf-8", "replace")[-500:]
        except Exception:
            return "?"

    @property
    def pid(self):
        return int(self.wait_line("pid "))

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def finish(self, timeout=30):
        """Wait for exit; return the exit status (asserts it came in time)."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.argv} did not finish within {timeout}s")
        self.t.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_helper(name, *args, **kw):
    """Start tests/helpers/NAME.c's binary with args."""
    return Workload([helper(name), *args], **kw)


def stop_process(proc):
    """Terminate a Popen'd workload and reap it (killed if it lingers)."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def children(pid):
    """Pids whose parent is pid (a stress-ng's workers), from /proc."""
    kids = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.add(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def root_block_device():
    """Name of the whole-disk block device backing / (e.g. "vda"), by major:minor."""
    st = os.stat("/")
    maj, mi = os.major(st.st_dev), os.minor(st.st_dev)
    path = os.path.realpath(f"/sys/dev/block/{maj}:{mi}")
    if os.path.exists(os.path.join(path, "partition")):
        path = os.path.dirname(path)
    return os.path.basename(path)


def scratch_dir():
    """A directory on the root (block-backed) filesystem for test files, never tmpfs."""
    for d in ("/var/tmp", os.path.join(ROOT, ".output")):
        if os.path.isdir(d) and os.stat(d).st_dev == os.stat("/").st_dev:
            return d
    raise AssertionError("no scratch directory on the root filesystem")


class running:
    """`with running("-t", "20ms") as pl:` -- Perflens that is always killed at the end
    (a test that already called pl.stop() is unaffected)."""

    def __init__(self, *args, **kw):
        self.args, self.kw = args, kw
        self.pl = None

    def __enter__(self):
        kw = dict(self.kw)
        timeout = kw.pop("ready_timeout", 30)
        wait = kw.pop("wait_ready", True)
        self.pl = Perflens(*self.args, wait_ready=False, **kw)
        if wait:
            try:
                self.pl.ready = self.pl.wait_for(lambda e: e.get("type") == "ready", timeout,
                                                 what="ready line")
            except BaseException:
                self.pl.kill()
                raise
        return self.pl

    def __exit__(self, *exc):
        if self.pl:
            self.pl.kill()
        return False
