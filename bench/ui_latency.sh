#!/bin/sh
# input_latency_ms: how long the TUI takes to draw a new view after a key
# while an event storm runs (threshold 0, a tight read() loop on
# /dev/zero: every read is an event).  perflens runs on a pseudo-terminal
# (80x24) owned by this script, so the time is from writing the key to the
# new view's title appearing in the output stream, without a terminal
# emulator in between.  Median and p99 over ROUNDS key presses (default
# 60); input_latency_idle_ms is the same without the storm.  Needs root
# and the helpers (make helpers).
#
#   bench/ui_latency.sh [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
exec python3 - "${1:-60}" <<'PY'
import fcntl, os, select, signal, struct, subprocess, sys, termios, time

rounds = int(sys.argv[1])
perflens = os.environ.get("PERFLENS", "./perflens")


class Tui:
    def __init__(self):
        pid, fd = os.forkpty()
        if pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execvp(perflens, [perflens, "--threshold", "0", "--refresh", "1"])
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        self.buf = b""

    def wait_for(self, needle, timeout):
        """Read output until needle shows up; seconds waited."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            r, _, _ = select.select([self.fd], [], [], 0.5)
            if r:
                try:
                    self.buf += os.read(self.fd, 65536)
                except OSError:
                    break
                if needle in self.buf:
                    self.buf = b""
                    return time.monotonic() - t0
                self.buf = self.buf[-4096:]
        raise SystemExit(f"ui_latency: no {needle!r} within {timeout}s")

    def drain(self, secs):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    os.read(self.fd, 65536)
                except OSError:
                    return

    def press(self, key, title):
        self.drain(0.05)
        t0 = time.monotonic()
        os.write(self.fd, key)
        self.wait_for(title, 10)
        return (time.monotonic() - t0) * 1000

    def close(self):
        os.write(self.fd, b"q")
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                return
            self.drain(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def measure(t):
    lat = []
    views = [(b"e", b"Events ("), (b"d", b"Dashboard")]
    for i in range(rounds):
        key, title = views[i % 2]
        lat.append(t.press(key, title))
    lat.sort()
    return lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]


t = Tui()
storm = None
try:
    t.wait_for(b"Dashboard", 60)
    t.drain(1)
    idle50, _ = measure(t)
    storm = subprocess.Popen([".output/helpers/bench_readloop", "read", "2000000000"],
                             stdout=subprocess.DEVNULL, start_new_session=True)
    t.drain(2)
    p50, p99 = measure(t)
    print(f"input_latency_ms {p50:.1f} ms")
    print(f"input_latency_ms_p99 {p99:.1f} ms")
    print(f"input_latency_idle_ms {idle50:.1f} ms")
finally:
    if storm:
        os.killpg(storm.pid, signal.SIGKILL)
        storm.wait()
    t.close()
PY
