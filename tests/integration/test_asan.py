"""One integration scenario under ASan+UBSan (./perflens-asan, built by `make asan` and
`make test`): a slow pipe read, fork/exec/exit, and a clean stop with the summary."""
import os
import signal

from harness import ROOT, Perflens, start_helper, helper

ASAN = os.path.join(ROOT, "perflens-asan")


def test_asan_build_runs_clean():
    assert os.access(ASAN, os.X_OK), f"{ASAN} missing: build it with `make asan`"
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98")
    pl = Perflens("-t", "30ms", binary=ASAN, env=env, ready_timeout=60)
    try:
        w = start_helper("plh_forkexec", helper("plh_piperd"), "2", "150")
        parent = w.pid
        child = int(w.wait_line("child "))
        ev = pl.wait_for(lambda e: e.get("type") == "read" and e.get("pid") == child
                         and e.get("bytes") == 101, 30, "slow pipe read")
        assert ev["kind"] == "pipe" and ev["lat_us"] >= 50000, ev
        assert w.finish() == 0
        pl.wait_for(lambda e: e.get("type") == "exit" and e.get("pid") == parent, 15,
                    "exit of the parent")
        assert pl.events(lambda e: e.get("type") == "fork" and e.get("pid") == parent
                         and e.get("child") == child)
        summ = pl.stop(signal.SIGTERM, timeout=60)
    finally:
        pl.kill()
    err = pl.stderr.decode("utf-8", "replace")
    assert pl.proc.returncode == 0, (pl.proc.returncode, err[-3000:])
    assert "AddressSanitizer" not in err and "runtime error:" not in err, err[-3000:]
    assert "LeakSanitizer" not in err, err[-3000:]
    assert summ["counts"]["read"]["total"] >= 1, summ["counts"]
