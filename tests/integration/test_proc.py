"""Process lifecycle: fork, exec and exit (code, signal), and threads that are not forks."""
import os

from harness import running, start_helper, helper


def _ev(typ, **fields):
    return lambda e: e.get("type") == typ and all(e.get(k) == v for k, v in fields.items())


def _index(pl, ev):
    with pl.lock:
        return next(i for i, e in enumerate(pl.lines) if e is ev)


def test_fork_exec_exit_code_42():
    """plh_forkexec forks; its child execs plh_exit42, which exits 42: fork (pid = parent,
    child = child), exec (pid = child, filename, argv, ppid) and exit (code 42, ppid)."""
    exit42 = helper("plh_exit42")
    with running() as pl:
        w = start_helper("plh_forkexec", exit42)
        parent = w.pid
        child = int(w.wait_line("child "))
        ex = pl.wait_for(_ev("exit", pid=child), 15, "exit of the child")
        assert w.finish() == 0
        assert w.wait_line("status ") == "code=42"
        fork = pl.wait_for(_ev("fork", pid=parent, child=child), 5, "fork event")
        exe = pl.wait_for(_ev("exec", pid=child), 5, "exec event of the child")
        pexit = pl.wait_for(_ev("exit", pid=parent), 10, "exit of the parent")
        assert fork["comm"] == "plh_forkexec", fork
        assert fork["tid"] == parent, fork
        assert exe["filename"] == exit42, exe
        assert exe["argv"].split(" ")[0] == exit42, exe
        assert exe["ppid"] == parent, exe
        assert exe["comm"] == "plh_exit42", exe
        assert ex["code"] == 42, ex
        assert ex["signal"] == 0, ex
        assert ex["core"] is False, ex
        assert ex["ppid"] == parent, ex
        assert ex["comm"] == "plh_exit42", ex
        assert 0 <= ex["lifetime_s"] < 10, ex
        assert pexit["code"] == 0 and pexit["ppid"] == os.getpid(), pexit
        # Exactly one of each for the child, in causal order.
        assert len(pl.events(_ev("fork", child=child))) == 1
        assert len(pl.events(_ev("exec", pid=child))) == 1
        assert len(pl.events(_ev("exit", pid=child))) == 1
        assert _index(pl, fork) < _index(pl, exe) < _index(pl, ex)
        pl.stop()


def test_sigkill_gives_signal_9():
    """A child killed by SIGKILL exits with signal 9 and code null; a sibling run that
    exits normally (same run) gives code 42 and signal 0."""
    exit42 = helper("plh_exit42")
    with running() as pl:
        killed = start_helper("plh_forkexec", "--kill-after", "300", exit42, "10000")
        normal = start_helper("plh_forkexec", exit42)
        kpid, npid = killed.pid, normal.pid
        kchild = int(killed.wait_line("child "))
        nchild = int(normal.wait_line("child "))
        kex = pl.wait_for(_ev("exit", pid=kchild), 15, "exit of the killed child")
        nex = pl.wait_for(_ev("exit", pid=nchild), 15, "exit of the normal child")
        assert killed.finish() == 0 and normal.finish() == 0
        assert killed.wait_line("status ") == "signal=9"
        assert kex["signal"] == 9, kex
        assert kex["code"] is None, kex
        assert kex["core"] is False, kex
        assert kex["ppid"] == kpid, kex
        assert 0.2 <= kex["lifetime_s"] < 10, kex
        # Positive control.
        assert nex["code"] == 42 and nex["signal"] == 0 and nex["ppid"] == npid, nex
        pl.stop()


def test_threads_are_not_forks():
    """plh_threads starts 8 threads and forks one real child, then exits 7 with the
    threads alive: the only fork event from it is the real child (none of the 8 thread
    ids), and it has exactly one exit."""
    with running() as pl:
        w = start_helper("plh_threads", "8")
        pid = w.pid
        ex = pl.wait_for(_ev("exit", pid=pid), 15, "exit of the threaded process")
        assert w.finish() == 7
        child = int(w.wait_line("child "))
        with w.lock:
            tids = {int(l.split()[1]) for l in w.lines if l.startswith("tid ")}
        assert len(tids) == 8, tids
        # The creating fork (this test -> helper) and the helper's own child are seen.
        pl.wait_for(_ev("fork", pid=os.getpid(), child=pid), 5, "fork of the helper")
        pl.wait_for(_ev("exit", pid=child), 5, "exit of the real child")
        forks = pl.events(_ev("fork", pid=pid))
        assert [f["child"] for f in forks] == [child], forks
        assert not pl.events(lambda e: e.get("type") == "fork" and e.get("child") in tids)
        exits = pl.events(_ev("exit", pid=pid))
        assert len(exits) == 1, exits
        assert ex["code"] == 7 and ex["signal"] == 0, ex
        assert not pl.events(lambda e: e.get("type") == "exit" and e.get("pid") in tids)
        pl.stop()
