"""The classic-tracepoint fallback (--attach classic) reports the same slow pipe read as
the default path, and the ready line names the path in use."""
from harness import running, start_helper, helper


def _slow_read(pl):
    # 2 ms vs 400 ms around a 150 ms threshold: room for a loaded machine's
    # scheduling delays on the fast read, which must stay out.
    w = start_helper("plh_piperd", "2", "400")
    pid = w.pid
    ev = pl.wait_for(lambda e: e.get("type") == "read" and e.get("pid") == pid
                     and e.get("bytes") == 101, 15, "slow pipe read")
    assert w.finish() == 0
    assert ev["kind"] == "pipe" and ev["lat_us"] >= 350000, ev
    assert ev["file"].startswith("pipe:["), ev
    assert ev["comm"] == "plh_piperd", ev
    fast = pl.events(lambda e: e.get("type") == "read" and e.get("pid") == pid
                     and e.get("bytes") == 100)
    assert not fast, fast
    return ev


def test_classic_attach_reports_slow_pipe_read():
    with running("-t", "150ms", "--attach", "classic") as pl:
        path = pl.ready["attach"]["syscalls"]
        assert "tracepoint/syscalls" in path or "classic" in path, pl.ready["attach"]
        assert "tp_btf" not in path, pl.ready["attach"]
        _slow_read(pl)
        summ = pl.stop()
    assert summ["attach"]["syscalls"] == path, summ["attach"]


def test_raw_attach_reports_slow_pipe_read():
    """The preferred path, forced, for comparison with the classic one."""
    with running("-t", "150ms", "--attach", "raw") as pl:
        path = pl.ready["attach"]["syscalls"]
        assert "tp_btf" in path or "raw" in path, pl.ready["attach"]
        _slow_read(pl)
        pl.stop()


def test_classic_attach_mounts_tracefs_when_absent():
    """On a machine without tracefs mounted (a private mount namespace here, so the
    host is untouched), --attach classic mounts it and still works."""
    with running("-t", "150ms", "--attach", "classic", wrapper=[helper("plh_notracefs")]) as pl:
        assert pl.ready["pid"] == pl.proc.pid
        with open(f"/proc/{pl.proc.pid}/mounts") as f:
            mounts = f.read()
        assert " tracefs " in mounts, "perflens runs with classic tracepoints but no tracefs"
        assert "tp_btf" not in pl.ready["attach"]["syscalls"], pl.ready["attach"]
        _slow_read(pl)
        pl.stop()


def test_threads_are_named_by_job():
    """top -H, perf and gdb can tell perflens' threads apart: each names its job."""
    import glob
    import time
    want = {"perflens", "pl-consumer", "pl-resolver", "pl-sampler", "pl-json"}
    with running("-t", "150ms") as pl:
        # The consumer and the sampler start just after the ready line.
        deadline = time.time() + 10
        while True:
            names = set()
            for path in glob.glob(f"/proc/{pl.proc.pid}/task/*/comm"):
                try:
                    with open(path) as f:
                        names.add(f.read().strip())
                except OSError:
                    pass
            if want <= names or time.time() > deadline:
                break
            time.sleep(0.1)
        pl.stop()
    assert want <= names, names
