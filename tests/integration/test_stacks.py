"""Stacks, symbols and PMU sampling (issue 3): user stacks on slow ops, where the
thread waited, hot functions, stripped binaries, folded output and the PMU fallback."""
import os
import re
import shutil
import subprocess

from harness import helper, running, scratch_dir, start_helper


def _slow_read(pl, pid):
    return pl.wait_for(lambda e: e.get("type") == "read" and e.get("pid") == pid, 20,
                       "slow read of plh_stacks")


def _hot_for(summary, pid):
    procs = [p for p in summary["hot"]["processes"] if p["pid"] == pid]
    assert procs, f"pid {pid} not in hot: {[p['pid'] for p in summary['hot']['processes']]}"
    return procs[0]


def test_slow_read_stacks_and_hot_function():
    """read_outer and main in ustack; pipe_read in waited with blocked_us >= 250 ms;
    hot_spin is the top user function of the process in `hot`."""
    with running("-t", "100ms", "--top", "50") as pl:
        w = start_helper("plh_stacks", "300", "1500")
        pid = w.pid
        ev = _slow_read(pl, pid)
        w.wait_line("spin done", 30)
        assert w.finish() == 0
        summary = pl.stop()
    frames = " | ".join(ev["ustack"])
    assert any(f.startswith("read_outer+") for f in ev["ustack"]), frames
    assert any(f.startswith("main+") for f in ev["ustack"]), frames
    assert any("(plh_stacks)" in f for f in ev["ustack"]), frames
    assert any(re.match(r"\w*pipe_read\+", f) for f in ev["waited"]), ev["waited"]
    assert not any(f.startswith(("bpf_prog_", "bpf_trace_run")) for f in ev["waited"]), ev
    assert ev["blocked_us"] >= 250000, ev
    hot = _hot_for(summary, pid)
    user = [f for f in hot["functions"] if not f["kernel"]]
    assert user and user[0]["name"] == "hot_spin", hot
    assert user[0]["self"] >= 5, hot


def test_stripped_binary_frames_match_addr2line():
    """A stripped copy gives module+0xoff frames; eu-addr2line -f on the unstripped
    binary at those offsets names read_outer and main."""
    d = scratch_dir()
    stripped = os.path.join(d, "plh_stacks_stripped")
    shutil.copy(helper("plh_stacks"), stripped)
    subprocess.run(["strip", stripped], check=True)
    try:
        with running("-t", "100ms") as pl:
            from harness import Workload
            w = Workload([stripped, "300", "10"])
            pid = w.pid
            ev = _slow_read(pl, pid)
            assert w.finish() == 0
        offs = [m.group(1) for f in ev["ustack"]
                for m in [re.match(r"plh_stacks_stripped\+(0x[0-9a-f]+)$", f)] if m]
        assert offs, ev["ustack"]
        names = set()
        for off in offs:
            out = subprocess.run(["eu-addr2line", "-f", "-e", helper("plh_stacks"), off],
                                 capture_output=True, text=True, check=True).stdout
            names.add(out.splitlines()[0])
        assert "read_outer" in names and "main" in names, (names, ev["ustack"])
    finally:
        os.unlink(stripped)


def _parse_folded(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            stack, _, count = line.rpartition(" ")
            assert stack and count.isdigit(), f"bad folded line {line!r}"
            frames = stack.split(";")
            assert all(frames), f"empty frame in {line!r}"
            rows.append((frames, int(count)))
    return rows


def test_folded_output_is_separable_and_parses():
    """--folded writes `[role];comm;frames count` lines: cpu, slow and wait stacks of
    the workload are all there and apart."""
    out = os.path.join(scratch_dir(), f"perflens-folded-{os.getpid()}.txt")
    try:
        with running("-t", "100ms", "--folded", out) as pl:
            w = start_helper("plh_stacks", "300", "1000")
            pid = w.pid
            _slow_read(pl, pid)
            w.wait_line("spin done", 30)
            w.finish()
            pl.stop()
        assert oct(os.stat(out).st_mode & 0o777) == "0o600"
        rows = _parse_folded(out)
        mine = [(f, c) for f, c in rows if len(f) > 1 and f[1] == "plh_stacks"]
        roles = {f[0] for f, _ in mine}
        assert {"[cpu]", "[slow]", "[wait]"} <= roles, roles
        cpu = [f for f, _ in mine if f[0] == "[cpu]"]
        assert any(f[-1] == "hot_spin" or "hot_spin" in f for f in cpu), cpu[:3]
        slow = [f for f, _ in mine if f[0] == "[slow]"]
        assert any("read_outer" in f and f.index("main") < f.index("read_outer") for f in slow), slow
        wait = [f for f, _ in mine if f[0] == "[wait]"]
        assert any(any(re.match(r"\w*pipe_read_\[k\]$", x) for x in f) for f in wait), wait
    finally:
        if os.path.exists(out):
            os.unlink(out)


def _have_hw_pmu():
    return os.path.exists("/sys/bus/event_source/devices/cpu/events/cpu-cycles")


def test_pmu_fallback_is_announced():
    """With no hardware PMU, ready and summary say cpu-clock replaced cycles."""
    with running("-t", "1s") as pl:
        ready = pl.ready
        summary = pl.stop()
    att = ready["attach"]
    if _have_hw_pmu():
        assert "cycles" in att["pmu"], att
        assert summary["hot"]["event"] == "cycles"
    else:
        assert att["pmu"].startswith("perf_event/cpu-clock"), att
        assert "cycles" in att["pmu_fallback"] and "cpu-clock" in att["pmu_fallback"], att
        assert summary["hot"]["event"] == "cpu-clock", summary["hot"]
        assert "cpu-clock" in summary["attach"]["pmu_fallback"]


def test_no_pmu_turns_sampling_off():
    """--no-pmu: no samples; positive control is the test above."""
    with running("-t", "1s", "--no-pmu") as pl:
        assert pl.ready["attach"]["pmu"] == "off"
        summary = pl.stop()
    assert summary["counts"]["sample"]["total"] == 0
    assert summary["hot"]["event"] == "off"
