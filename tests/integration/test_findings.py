"""Findings (issue 8) with real load: rules fire on the processes, devices and
parents that cause them, and a quiet system stays quiet.

Each test reads the headless lines findings_json_finding() produces:
    {"type":"finding","rule":ID,"state":"open"|"ongoing"|"cleared",
     "severity":"warning"|"critical","subject":...,"evidence":[{"id":"pid:N",
     "comm":...}, {"id":"dev:vda"}, ...], ...}
and the summary's "health" and "findings" objects.

The machine is a shared 2-vCPU VM: other work may load it while a test runs.
The quiet-system test therefore measures the machine itself (PSI totals and
/proc/stat's fork counter, independently of perflens) and accepts a finding
only for a resource that its own measurement shows was loaded, never one
that cites the test's quiet workload.
"""
import os
import subprocess
import time

from harness import Workload, children as _children, helper, root_block_device, running, \
    scratch_dir, stop_process as _stop

STRESS_TIMEOUT = "30s"


def _findings(pl, rule=None, state=None):
    return pl.events(lambda e: e.get("type") == "finding"
                     and (rule is None or e.get("rule") == rule)
                     and (state is None or e.get("state") == state))


def _wait_open(pl, rule, timeout):
    return pl.wait_for(lambda e: e.get("type") == "finding" and e.get("rule") == rule
                       and e.get("state") == "open", timeout, f"{rule} finding")


def _evidence(f, kind):
    return [v for v in f["evidence"] if v.get("kind") == kind]


def _check_finding_shape(f):
    for k in ("id", "rule", "title", "state", "severity", "subject", "value", "unit", "warn",
              "crit", "fire_after_s", "clear_after_s", "evidence", "explain",
              "recommendations", "start", "ts"):
        assert k in f, (k, f)
    assert f["severity"] in ("warning", "critical"), f
    assert f["value"] >= f["warn"], f
    for r in f["recommendations"]:
        assert r["command"] and isinstance(r["read_only"], bool), r


class _slow_writes:
    """A cgroup whose writes to dev are throttled to 100 IOPS: a dsync write (data
    plus journal, ~3 I/Os) then waits ~30 ms whatever this (shared, often fast)
    disk does, and about 30 of them complete per second, over the rule's 10/s.
    v1 blkio on hybrid machines (nested in our own blkio cgroup), io.max on v2."""

    def __init__(self, dev):
        with open(f"/sys/block/{dev}/dev") as f:
            self.majmin = f.read().strip()
        own = [l.split(":", 2)[2].strip() for l in open("/proc/self/cgroup")
               if l.split(":")[1] == "blkio"]
        if own and os.path.isdir("/sys/fs/cgroup/blkio"):
            self.dir = f"/sys/fs/cgroup/blkio{own[0].rstrip('/')}/perflens-slow-{os.getpid()}"
            self.knob, self.value = "blkio.throttle.write_iops_device", f"{self.majmin} 100"
        else:
            own2 = [l.split(":", 2)[2].strip() for l in open("/proc/self/cgroup")
                    if l.startswith("0::")][0]
            self.dir = f"/sys/fs/cgroup{own2.rstrip('/')}/perflens-slow-{os.getpid()}"
            self.knob, self.value = "io.max", f"{self.majmin} wiops=100"

    def __enter__(self):
        os.mkdir(self.dir)
        with open(os.path.join(self.dir, self.knob), "w") as f:
            f.write(self.value)
        return self

    def run(self, argv):
        """argv started inside the cgroup (it joins before exec)."""
        procs = os.path.join(self.dir, "cgroup.procs")
        return subprocess.Popen(["sh", "-c", f'echo $$ > {procs} && exec "$@"', "sh", *argv],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def __exit__(self, *exc):
        for _ in range(50):
            try:
                os.rmdir(self.dir)
                break
            except OSError:
                time.sleep(0.1)
        return False


def test_slow_storage_names_stress_ng_and_the_device():
    """stress-ng --hdd with O_DSYNC writes on the root filesystem, its writes
    throttled to 100 IOPS: slow_storage opens, citing a stress-ng process and the
    root disk."""
    dev = root_block_device()
    with _slow_writes(dev) as slow, running("--no-pmu") as pl:
        st = slow.run(["stress-ng", "--hdd", "1", "--hdd-opts", "wr-seq,dsync",
                       "--temp-path", scratch_dir(), "--timeout", STRESS_TIMEOUT, "--quiet"])
        try:
            f = _wait_open(pl, "slow_storage", 35)
        finally:
            _stop(st)
        summary = pl.stop()
    _check_finding_shape(f)
    procs = _evidence(f, "process")
    assert any(p["comm"].startswith("stress-ng") for p in procs), f["evidence"]
    assert any(p["id"] == f"pid:{p['pid']}" and p["start_ns"] > 0 for p in procs), procs
    assert any(d["id"] == f"dev:{dev}" for d in _evidence(f, "device")), (dev, f["evidence"])
    assert f["unit"] == "ops/s" and f["warn"] == 10
    assert summary["health"]["score"] < 100, summary["health"]
    assert any(x["rule"] == "slow_storage" for x in summary["findings"]["list"])


def test_fork_storm_names_the_parent():
    """stress-ng --fork: spawn_storm opens naming the process that forks (the
    stress-ng worker, a child of the stress-ng we started)."""
    with running("--no-pmu", "-t", "1s") as pl:
        st = subprocess.Popen(["stress-ng", "--fork", "1", "--timeout", STRESS_TIMEOUT,
                               "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1)
            ours = {st.pid} | _children(st.pid)
            f = _wait_open(pl, "spawn_storm", 30)
            ours |= _children(st.pid)
        finally:
            _stop(st)
    _check_finding_shape(f)
    parents = _evidence(f, "process")
    assert parents, f
    top = parents[0]
    assert top["comm"].startswith("stress-ng"), top
    assert top["pid"] in ours or top["ppid"] == st.pid, (top, ours)
    # The parent accounts for most of the storm (the rest: the machine's own).
    assert top["value"] >= f["value"] / 2, (top, f["value"])
    assert any(c["id"] == "counter:forks" and c["value"] >= f["warn"] for c in f["evidence"])


def test_cpu_saturation_fires_runq_and_psi():
    """More CPU hogs than CPUs: run-queue latency and CPU pressure both open.
    Four hogs per CPU, so the run queue's p99 clears the rule's 10 ms whatever else
    the machine is doing (two per CPU hovers around it)."""
    n = 4 * (os.cpu_count() or 1)
    with running("--no-pmu", "-t", "1s") as pl:
        st = subprocess.Popen(["stress-ng", "--cpu", str(n), "--timeout", STRESS_TIMEOUT,
                               "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            rq = _wait_open(pl, "runq_latency", 30)
            psi = _wait_open(pl, "psi_cpu", 30)
        finally:
            _stop(st)
        summary = pl.stop()
    _check_finding_shape(rq)
    _check_finding_shape(psi)
    assert rq["unit"] == "ms" and rq["value"] >= 10, rq
    assert psi["value"] >= 20, psi
    assert any(c["id"] == "counter:runq_p99" for c in rq["evidence"]), rq["evidence"]
    reasons = summary["health"]["reasons"]
    # Both are CPU findings: the category is deducted once.
    assert [r["category"] for r in reasons].count("cpu") == 1, reasons


# --- the quiet system ---------------------------------------------------------

def _psi_total(res):
    with open(f"/proc/pressure/{res}") as f:
        for line in f:
            if line.startswith("some"):
                return int(line.split("total=")[1])
    return 0


def _forks():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("processes "):
                return int(line.split()[1])
    return 0


class MachineLoad:
    """Per-second maxima of the machine's own PSI and fork rate, sampled by the
    test (not by perflens) while the quiet workload runs."""

    def __init__(self):
        self.max = {"cpu": 0.0, "io": 0.0, "memory": 0.0, "forks": 0.0}

    def sample(self, secs):
        prev = {r: _psi_total(r) for r in ("cpu", "io", "memory")}
        pf, t0 = _forks(), time.monotonic()
        for _ in range(secs):
            time.sleep(1)
            t1 = time.monotonic()
            for r in prev:
                cur = _psi_total(r)
                self.max[r] = max(self.max[r], (cur - prev[r]) / 1e4 / (t1 - t0))
                prev[r] = cur
            cur = _forks()
            self.max["forks"] = max(self.max["forks"], (cur - pf) / (t1 - t0))
            pf, t0 = cur, t1

    def explains(self, f):
        """Did the machine's own load (not ours) make this finding true?"""
        loud_cpu = self.max["cpu"] >= 10 or self.max["forks"] >= 50
        by_category = {"cpu": loud_cpu, "storage": self.max["io"] >= 5,
                       "memory": self.max["memory"] >= 5, "monitor": loud_cpu}
        return by_category.get(f.get("category"), False)


def test_idle_system_gives_no_warning():
    """The test's own quiet workload (buffered 4 KiB file I/O and a pipe round
    trip, 5 times a second) never appears in a finding, and nothing opens
    unless the machine's own PSI/fork counters show other load on that
    resource during the window."""
    secs = 20
    with running("--no-pmu") as pl:
        q = Workload([helper("find_quiet"), scratch_dir(), str(secs)])
        qpid = q.pid
        load = MachineLoad()
        load.sample(secs)
        assert q.finish(30) == 0
        time.sleep(1.5)
        summary = pl.stop()
    opened = _findings(pl, state="open")
    for f in opened:
        cited = {v.get("pid") for v in f["evidence"] if v.get("kind") == "process"}
        assert qpid not in cited and f["subject"] != f"pid:{qpid}", \
            f"quiet workload cited: {f}"
    unexplained = [f for f in opened if not load.explains(f)]
    assert not unexplained, (
        f"findings on a quiet machine (its own load: {load.max}): "
        + "; ".join(f"{f['rule']} {f['severity']} value={f['value']} {f['unit']}"
                    for f in unexplained))
    assert "health" in summary and "findings" in summary
    if not opened:
        assert summary["health"]["score"] == 100, summary["health"]


# --- OOM kills (needs the oom:mark_victim probe wired end to end) --------------

def _memory_cgroup_parent():
    """The test's own memory cgroup directory, and whether it is cgroup v1."""
    with open("/proc/self/cgroup") as f:
        lines = [l.rstrip("\n").split(":", 2) for l in f]
    for _, ctrl, path in lines:
        if "memory" in ctrl.split(","):
            return "/sys/fs/cgroup/memory" + path, True
    for hid, ctrl, path in lines:
        if hid == "0" and ctrl == "" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            return "/sys/fs/cgroup" + path, False
    raise AssertionError("no memory cgroup controller found")


def _limited_cgroup(limit):
    """A child of our own memory cgroup (never the root) limited to limit bytes."""
    parent, v1 = _memory_cgroup_parent()
    cg = os.path.join(parent, f"perflens-oom-{os.getpid()}")
    if not v1:
        # v2: controllers must be enabled in the parent for its children.  A
        # cgroup with processes cannot delegate (no internal processes), so
        # this fails when the test itself sits in that cgroup: say so.
        try:
            with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
                f.write("+memory")
        except OSError as e:
            raise AssertionError(f"cannot enable memory for children of {parent}: {e}")
    os.mkdir(cg)
    with open(os.path.join(cg, "memory.limit_in_bytes" if v1 else "memory.max"), "w") as f:
        f.write(str(limit))
    return cg


def _rmdir_retry(path):
    for _ in range(100):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)


def test_oom_kill_names_the_victim():
    """A memory hog in a 64 MiB cgroup nested in the test's own memory cgroup is
    OOM-killed; oom_kill opens naming it.  NEEDS WIRING: the oom:mark_victim
    probe, its event type and findings_note_oom() (fails until then)."""
    cg = _limited_cgroup(64 << 20)
    try:
        with running("--no-pmu", "-t", "1s") as pl:
            hog = Workload([helper("find_memhog"), "1024"], stdin=subprocess.PIPE)
            hpid = hog.pid
            with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                f.write(str(hpid))
            hog.proc.stdin.write(b"go\n")
            hog.proc.stdin.flush()
            rc = hog.finish(60)
            assert rc == -9, f"the hog was not OOM-killed (exit {rc})"
            f = _wait_open(pl, "oom_kill", 10)
            summary = pl.stop()
    finally:
        _rmdir_retry(cg)
    _check_finding_shape(f)
    victims = _evidence(f, "process")
    assert any(v["pid"] == hpid and v["comm"] == "find_memhog" for v in victims), f["evidence"]
    assert f["category"] == "memory"
    assert any(r["category"] == "memory" for r in summary["health"]["reasons"]), summary["health"]
