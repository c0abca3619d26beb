"""Slow I/O syscalls: pipes (read and write) and regular files (write, fsync, read).

Each test starts its own perflens, waits for `ready`, starts its own helper and polls
the output up to a deadline."""
import os
import re

import sys
from harness import Workload, running, start_helper, scratch_dir

PIPE_NAME = re.compile(r"^pipe:\[\d+\]$")


def _io(pid, typ, **fields):
    def pred(e):
        if e.get("type") != typ or e.get("pid") != pid:
            return False
        return all(e.get(k) == v for k, v in fields.items())
    return pred


def _num(line, key):
    m = re.search(key + r"=(-?\d+)", line)
    assert m, f"no {key}= in {line!r}"
    return int(m.group(1))


def test_pipe_slow_read_and_fast_read():
    """A read blocked 150 ms appears with pid, comm, lat, kind pipe and pipe:[ino];
    a 2 ms read of the same process (done just before it) does not (-t 30ms)."""
    with running("-t", "30ms") as pl:
        w = start_helper("plh_piperd", "2", "150")
        pid = w.pid
        slow = pl.wait_for(_io(pid, "read", bytes=101), 15, "slow pipe read (101 bytes)")
        assert w.finish() == 0
        helper_fast = _num(w.wait_line("read 0 "), "lat_us")
        helper_slow = _num(w.wait_line("read 1 "), "lat_us")
        # Positive control: the slow read, with every field right.
        assert slow["tid"] == pid, slow
        assert slow["comm"] == "plh_piperd", slow
        assert slow["lat_us"] >= 50000, slow
        assert slow["lat_us"] <= helper_slow + 1000, (slow, helper_slow)
        assert slow["kind"] == "pipe", slow
        assert PIPE_NAME.match(slow["file"]), slow
        assert slow["file"] == f"pipe:[{slow['ino']}]", slow
        assert slow["req_bytes"] == 4096, slow
        assert "errno" not in slow, slow
        # Negative: the fast read came first from the same thread; its event would
        # be ahead of the slow one in the output.
        assert helper_fast < 30000, f"fast read was not fast ({helper_fast} us): cannot judge"
        fast = pl.events(_io(pid, "read", bytes=100))
        assert not fast, f"read under the threshold reported: {fast}"
        summ = pl.stop()
    assert summ["counts"]["read"]["total"] >= 1, summ["counts"]["read"]


def test_interrupted_read_names_the_restart_code():
    """A pipe read cut short by a signal leaves the syscall with the kernel's own
    ERESTARTSYS (512), which user space never sees: the event names it."""
    prog = ("import os, signal, sys\n"
            "r, w = os.pipe()\n"
            "signal.signal(signal.SIGALRM, lambda *a: os.write(w, b'x'))\n"
            "signal.siginterrupt(signal.SIGALRM, True)\n"
            "signal.setitimer(signal.ITIMER_REAL, 0.3)\n"
            "print('pid', os.getpid(), flush=True)\n"
            "os.read(r, 10)\n")
    with running("-t", "100ms") as pl:
        w = Workload([sys.executable, "-c", prog])
        pid = w.pid
        ev = pl.wait_for(lambda e: e.get("type") == "read" and e.get("pid") == pid
                         and "errno" in e, 15, "interrupted read")
        assert w.finish() == 0
    assert ev["errno"] == 512 and ev["errno_name"] == "ERESTARTSYS", ev
    assert ev["lat_us"] >= 250000 and ev["bytes"] == 0, ev


def test_pipe_blocked_writer():
    """A write() blocked 200 ms on a full pipe appears as a write of kind pipe."""
    with running("-t", "30ms") as pl:
        w = start_helper("plh_pipewr", "200")
        pid = w.pid
        ev = pl.wait_for(_io(pid, "write", bytes=4096), 15, "blocked pipe write")
        assert w.finish() == 0
        helper_lat = _num(w.wait_line("write "), "lat_us")
        assert ev["comm"] == "plh_pipewr", ev
        assert ev["kind"] == "pipe", ev
        assert PIPE_NAME.match(ev["file"]), ev
        assert ev["req_bytes"] == 4096, ev
        assert 50000 <= ev["lat_us"] <= helper_lat + 1000, (ev, helper_lat)
        # The non-blocking fill writes (512 bytes each, never blocked) are not slow.
        assert not pl.events(_io(pid, "write", bytes=512)), "non-blocking writes reported"
        pl.stop()


def test_file_write_fsync_read():
    """One 64 MiB write, its fsync and a cold 64 MiB read of a file on the root
    filesystem appear as write, sync and read of kind file with the absolute path."""
    path = os.path.join(scratch_dir(), f"perflens-it-fileio-{os.getpid()}.dat")
    try:
        with running("-t", "1ms") as pl:
            w = start_helper("plh_fileio", path, "64")
            pid = w.pid
            sync = pl.wait_for(_io(pid, "sync"), 30, "fsync event")
            read = pl.wait_for(_io(pid, "read", bytes=64 << 20), 30, "64 MiB read event")
            assert w.finish() == 0
            real = w.wait_line("path ")
            assert real == os.path.realpath(path)
            ino = os.stat(path).st_ino
            write = pl.events(_io(pid, "write", bytes=64 << 20))
            assert write, f"no 64 MiB write event; helper said {w.wait_line('write ')}"
            for ev in (write[0], sync, read):
                assert ev["comm"] == "plh_fileio", ev
                assert ev["kind"] == "file", ev
                assert ev["file"] == real, (ev, real)
                assert ev["ino"] == ino, (ev, ino)
                assert ev["lat_us"] >= 1000, ev
                assert "errno" not in ev, ev
            assert write[0]["req_bytes"] == 64 << 20, write[0]
            assert sync["bytes"] == 0, sync
            summ = pl.stop()
        assert summ["counts"]["sync"]["total"] >= 1, summ["counts"]["sync"]
        assert any(t.get("pid") == pid for t in summ["top_storage"]), summ["top_storage"]
    finally:
        if os.path.exists(path):
            os.unlink(path)


def test_path_on_another_mount_is_absolute():
    """A file on another mount (devtmpfs at /dev) comes out with its mount point:
    /dev/zero, not /zero.  -t 0 so a fast read is reported."""
    import subprocess
    with running("-t", "0", "--comm", "dd", "--kinds", "other") as pl:
        subprocess.run(["dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=3",
                        "status=none"], check=True)
        ev = pl.wait_for(lambda e: e.get("type") == "read" and e.get("comm") == "dd", 10,
                         "read by dd")
    assert ev["file"] == "/dev/zero", ev
