"""In-kernel filters (--pid, --comm, --kinds, --follow-children) and perflens never
tracing itself.  Each negative check has a positive control in the same run: an
unfiltered perflens running alongside sees what the filtered one must not."""
import os
import signal

from harness import running, start_helper, scratch_dir, helper


def _ev(typ, **fields):
    return lambda e: e.get("type") == typ and all(e.get(k) == v for k, v in fields.items())


def _events_only(pl):
    """Lines about a process (read/write/sync/block/fork/exec/exit and any later per-process
    type): every line with a pid except ready; periodic lines such as tick have none."""
    return pl.events(lambda e: "pid" in e and e.get("type") not in ("ready", "summary"))


def test_self_never_traced():
    """-t 0: every read/write in the system is an event, and perflens writes its own
    output, yet no event carries perflens' pid.  Control: the helper's reads appear."""
    with running("-t", "0") as pl:
        me = pl.ready["pid"]
        assert me == pl.proc.pid
        w = start_helper("plh_piperd", "1", "20", "40")
        pid = w.pid
        pl.wait_for(_ev("read", pid=pid, bytes=102), 15, "the helper's last read")
        assert w.finish() == 0
        # Let perflens write a good deal of output (each line it emits is a write).
        pl.wait_count(lambda e: True, len(pl.events()) + 200, 15, "more events")
        summ = pl.stop()
    assert len(pl.events(_ev("read", pid=pid))) >= 3
    others = _events_only(pl)
    assert len(others) > 200, len(others)
    mine = [e for e in others if e.get("pid") == me or e.get("tid") == me]
    assert not mine, f"{len(mine)} events of perflens itself, e.g. {mine[:3]}"
    assert summ.get("output_written", 0) > 200, summ.get("output_written")


def test_trace_self_shows_self():
    """Counterpart of test_self_never_traced: with --trace-self the same pid check finds
    perflens' own output writes (so the check above can fail)."""
    with running("-t", "0", "--kinds", "pipe", "--trace-self") as pl:
        me = pl.ready["pid"]
        pl.wait_for(lambda e: e.get("pid") == me and e.get("type") == "write", 15,
                    "a write by perflens itself")
        pl.stop()


def test_filter_pid():
    """-p A: only A's events.  B (same program, not in the list) does its slow read
    first; an unfiltered perflens in the same run sees it."""
    a = start_helper("plh_piperd", "--wait-usr1", "150")
    b = start_helper("plh_piperd", "--wait-usr1", "120")
    try:
        apid, bpid = a.pid, b.pid
        with running("-t", "30ms") as ctl, running("-t", "30ms", "-p", str(apid)) as pl:
            assert pl.ready["pids"] == [apid], pl.ready
            b.signal(signal.SIGUSR1)
            assert b.finish() == 0
            a.signal(signal.SIGUSR1)
            got = pl.wait_for(_ev("read", pid=apid, bytes=100), 15, "A's slow read")
            assert got["kind"] == "pipe" and got["lat_us"] >= 50000, got
            assert a.finish() == 0
            pl.wait_for(_ev("exit", pid=apid), 10, "A's exit")
            # Positive control for B, from the unfiltered run.
            ctl.wait_for(_ev("read", pid=bpid, bytes=100), 10, "B's read (control)")
            ctl.wait_for(_ev("exit", pid=apid), 10, "A's exit (control)")
            pids = {e.get("pid") for e in _events_only(pl)}
            assert pids == {apid}, f"events from other pids: {pids - {apid}}"
            pl.stop()
            ctl.stop()
    finally:
        a.kill()
        b.kill()


def test_filter_comm():
    """-c plfilt_yes: a process named plfilt_no (run first) is kept out, plfilt_yes shows."""
    with running("-t", "30ms") as ctl, running("-t", "30ms", "-c", "plfilt_yes") as pl:
        assert pl.ready["comm"] == "plfilt_yes", pl.ready
        no = start_helper("plh_piperd", "--name", "plfilt_no", "120")
        nopid = no.pid
        assert no.finish() == 0
        yes = start_helper("plh_piperd", "--name", "plfilt_yes", "150")
        yespid = yes.pid
        got = pl.wait_for(_ev("read", pid=yespid, bytes=100), 15, "plfilt_yes's read")
        assert got["comm"] == "plfilt_yes" and got["lat_us"] >= 50000, got
        assert yes.finish() == 0
        ctl.wait_for(_ev("read", pid=nopid, comm="plfilt_no"), 10, "plfilt_no's read (control)")
        ctl.wait_for(_ev("read", pid=yespid, bytes=100), 10, "plfilt_yes's read (control)")
        evs = _events_only(pl)
        comms = {e.get("comm") for e in evs}
        assert comms == {"plfilt_yes"}, comms
        assert not [e for e in evs if e.get("pid") == nopid]
        pl.stop()
        ctl.stop()


def test_filter_kinds_pipe():
    """--kinds pipe: the fsync and file reads/writes of plh_fileio (run first) are kept
    out, the pipe read of plh_piperd shows; the unfiltered run sees the file events."""
    path = os.path.join(scratch_dir(), f"perflens-it-kinds-{os.getpid()}.dat")
    try:
        with running("-t", "1ms") as ctl, running("-t", "1ms", "--kinds", "pipe") as pl:
            assert pl.ready["kinds"] == ["pipe"], pl.ready
            f = start_helper("plh_fileio", path, "32")
            fpid = f.pid
            assert f.finish() == 0
            p = start_helper("plh_piperd", "100")
            ppid = p.pid
            got = pl.wait_for(_ev("read", pid=ppid, bytes=100), 15, "pipe read")
            assert got["kind"] == "pipe", got
            assert p.finish() == 0
            ctl.wait_for(_ev("sync", pid=fpid, kind="file"), 10, "fsync (control)")
            ctl.wait_for(_ev("read", pid=ppid, bytes=100), 10, "pipe read (control)")
            io = pl.events(lambda e: e.get("type") in ("read", "write", "sync"))
            assert io
            kinds = {e.get("kind") for e in io}
            assert kinds == {"pipe"}, kinds
            assert not [e for e in io if e.get("pid") == fpid]
            pl.stop()
            ctl.stop()
    finally:
        if os.path.exists(path):
            os.unlink(path)


def test_follow_children():
    """-p PARENT --follow-children: a child born after start (it execs plh_piperd and
    does a slow pipe read) is included; without --follow-children (same run) it is not,
    while the parent's own fork event is (control)."""
    parent = start_helper("plh_forkexec", "--wait-usr1", helper("plh_piperd"), "150")
    try:
        ppid = parent.pid
        with running("-t", "30ms", "-p", str(ppid)) as nof, \
                running("-t", "30ms", "-p", str(ppid), "--follow-children") as fol:
            assert fol.ready["follow_children"] is True, fol.ready
            parent.signal(signal.SIGUSR1)
            child = int(parent.wait_line("child "))
            got = fol.wait_for(_ev("read", pid=child, bytes=100), 15, "the child's slow read")
            assert got["comm"] == "plh_piperd" and got["kind"] == "pipe", got
            assert parent.finish() == 0
            fol.wait_for(_ev("exec", pid=child), 5, "the child's exec")
            fol.wait_for(_ev("exit", pid=child), 5, "the child's exit")
            # The grandchild (plh_piperd's writer) is followed too.
            fol.wait_for(_ev("fork", pid=child), 5, "the child's fork")
            # Without --follow-children: parent's fork and exit only.
            nof.wait_for(_ev("fork", pid=ppid, child=child), 5, "parent's fork (control)")
            nof.wait_for(_ev("exit", pid=ppid), 10, "parent's exit (control)")
            leaked = nof.events(lambda e: e.get("pid") == child)
            assert not leaked, f"child's events without --follow-children: {leaked[:3]}"
            pids = {e.get("pid") for e in _events_only(nof)}
            assert pids == {ppid}, pids
            nof.stop()
            fol.stop()
    finally:
        parent.kill()
