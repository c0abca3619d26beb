"""Per-process counters (issue 3): IPC and cache-miss rate where the CPU has a PMU.

There is no hardware PMU here, so the plumbing (per-CPU counting events in a perf
event array, read at every context switch, charged to the process switching out)
is proved with software stand-ins in the same slots, whose true per-process values
/proc confirms: cycles=cpu-clock (ns on CPU), instructions=context-switches,
cache-references=cpu-clock, cache-misses=page-faults."""
import os
import subprocess

from harness import running, start_helper

HZ = os.sysconf("SC_CLK_TCK")
FAULT_PAGES, FAULT_ROUNDS = 2000, 20


def _have_hw_pmu():
    return os.path.exists("/sys/bus/event_source/devices/cpu/events/cpu-cycles")


def _proc_truth(pid):
    """CPU time (ns), page faults and context switches of pid, from /proc."""
    st = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    minflt, majflt, utime, stime = int(st[7]), int(st[9]), int(st[11]), int(st[12])
    ctx = 0
    for line in open(f"/proc/{pid}/status"):
        if "voluntary_ctxt_switches" in line:
            ctx += int(line.split()[1])
    return {"cpu_ns": (utime + stime) * 1e9 / HZ, "faults": minflt + majflt, "ctx": ctx}


def _counters_of(summary, pid):
    rows = [p for p in summary["counters"]["processes"] if p["pid"] == pid]
    assert rows, f"pid {pid} not in counters: {summary['counters']}"
    return rows[0]


def _go(w):
    w.proc.stdin.write(b"go\n")
    w.proc.stdin.flush()


def test_software_standins_attribute_per_process():
    """A spinning and a page-faulting process: each slot's count matches /proc for
    that process, and the faulting one has far more "misses" per "cycle"."""
    with running("-t", "10s", "--counters", "software", "--comm", "plh_pmc") as pl:
        att = pl.ready["attach"]
        assert att["counters"] == "software", att
        assert "page-faults" in att["counters_note"], att
        spin = start_helper("plh_pmc", "spin", "800", stdin=subprocess.PIPE)
        fault = start_helper("plh_pmc", "fault", str(FAULT_PAGES), str(FAULT_ROUNDS),
                             stdin=subprocess.PIPE)
        try:
            sp, fp = spin.pid, fault.pid
            _go(spin)
            _go(fault)
            spin.wait_line("done", 30)
            fault.wait_line("done", 60)
            truth = {sp: _proc_truth(sp), fp: _proc_truth(fp)}
            summary = pl.stop()
        finally:
            for w in (spin, fault):
                if w.proc.poll() is None:
                    w.proc.stdin.write(b"x\n")
                    w.proc.stdin.flush()
                    w.finish()
    s, f = _counters_of(summary, sp), _counters_of(summary, fp)
    for pid, c in ((sp, s), (fp, f)):
        t = truth[pid]
        # cycles slot = cpu-clock: its CPU time, to the tick (10 ms) and a bit.
        assert abs(c["cycles"] - t["cpu_ns"]) <= 0.15 * t["cpu_ns"] + 30e6, (pid, c, t)
        assert abs(c["cache_references"] - c["cycles"]) <= 0.05 * c["cycles"], (pid, c)
        # instructions slot = context switches; misses slot = page faults.
        assert abs(c["instructions"] - t["ctx"]) <= 0.1 * t["ctx"] + 5, (pid, c, t)
        assert abs(c["cache_misses"] - t["faults"]) <= 0.05 * t["faults"] + 50, (pid, c, t)
        # Software events never multiplex.
        assert c["counted_pct"] == 100.0, c
        assert c["ipc"] is not None and c["cache_miss_pct"] is not None, c
    assert s["cycles"] > 50e6, s  # it did spin, so the comparison means something
    assert f["cache_misses"] >= FAULT_PAGES * FAULT_ROUNDS, f
    assert f["instructions"] >= FAULT_ROUNDS, f
    per_cycle = lambda c: c["cache_misses"] / c["cycles"]
    assert per_cycle(f) > 20 * per_cycle(s), (f, s)
    # Not double-charged: the two processes' counts are their own.
    assert s["cache_misses"] < f["cache_misses"] / 20, (s, f)
    # The same numbers reach the hot view's per-process rows when sampled.
    for p in summary["hot"]["processes"]:
        if p["pid"] in (sp, fp):
            assert p["counters"] == {k: v for k, v in _counters_of(summary, p["pid"]).items()
                                     if k not in ("pid", "comm")}, p
    assert summary["hot"]["counters"] == "software"
    assert summary["drops"]["counters_map_full"] == 0


def test_counters_unavailable_is_announced():
    """Without a hardware PMU, ready, summary and hot say the counters are unavailable
    and why; the per-process /proc figures are still there."""
    with running("-t", "1s", "--top", "50") as pl:
        att = pl.ready["attach"]
        spin = start_helper("plh_pmc", "spin", "400", stdin=subprocess.PIPE)
        try:
            pid = spin.pid
            _go(spin)
            spin.wait_line("done", 30)
            summary = pl.stop()
        finally:
            spin.proc.stdin.write(b"x\n")
            spin.proc.stdin.flush()
            spin.finish()
    if _have_hw_pmu():
        assert att["counters"] == "hardware", att
        assert summary["counters"]["counters"] == "hardware"
        return
    assert att["counters"] == "unavailable", att
    assert att["counters_note"].startswith("no hardware PMU"), att
    assert summary["attach"]["counters"] == "unavailable"
    assert summary["counters"]["counters"] == "unavailable"
    assert summary["counters"]["counters_note"].startswith("no hardware PMU")
    assert summary["counters"]["processes"] == []
    assert summary["hot"]["counters"] == "unavailable"
    rows = [p for p in summary["hot"]["processes"] if p["pid"] == pid]
    assert rows, summary["hot"]["processes"]
    assert "counters" not in rows[0]
    assert rows[0]["minflt"] > 0 and rows[0]["ctx_switches"] > 0, rows[0]


def test_counters_off():
    """--no-counters, and --no-pmu without --counters, leave the kernel side off."""
    for args in (("--no-counters",), ("--no-pmu",)):
        with running("-t", "1s", "-d", "1", *args) as pl:
            assert pl.ready["attach"]["counters"] == "off", (args, pl.ready["attach"])
            summary = pl.stop()
        assert summary["counters"]["counters"] == "off"
        assert summary["counters"]["processes"] == []
    # An explicit --counters wins over --no-pmu (cost measurements use it).
    with running("-t", "1s", "--no-pmu", "--counters", "software") as pl:
        assert pl.ready["attach"]["counters"] == "software"
        assert pl.ready["attach"]["pmu"] == "off"
        pl.stop()
