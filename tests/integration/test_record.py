"""Recording, replay and reports (issue 6): round trip as an unprivileged user,
damaged and truncated files, kill -9 of the recorder, and the incident report."""
import json
import os
import random
import shutil
import signal
import subprocess
import time

import plrec
from harness import (PERFLENS, ROOT, Perflens, Workload, helper, running, scratch_dir,
                     start_helper)

ASAN = os.path.join(ROOT, "perflens-asan")
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _workload(pl=None):
    """Slow pipe reads with stacks, a fork/exec and a dd on the root filesystem."""
    a = start_helper("plh_stacks", "150", "300")
    b = start_helper("plh_piperd", "80", "120")
    path = os.path.join(scratch_dir(), f"perflens-rec-{os.getpid()}")
    subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=64k", "count=32", "oflag=direct",
                    "status=none"], check=True)
    os.unlink(path)
    pids = (a.pid, b.pid)
    assert a.finish() == 0 and b.finish() == 0
    return pids


def _record(tmpdir, *extra):
    out = os.path.join(tmpdir, "live.plrec")
    with running("-t", "40ms", "--block-threshold", "0", "--record", out, *extra) as pl:
        pids = _workload()
        time.sleep(1.2)
        summary = pl.stop()
    return out, pl, pids, summary


def _replay_as_nobody(path, *args):
    d = os.path.dirname(path)
    copy = os.path.join("/tmp", f"perflens-nobody-{os.getpid()}.plrec")
    shutil.copy(path, copy)
    shutil.chown(copy, "nobody")
    os.chmod(copy, 0o600)
    try:
        p = subprocess.run(NOBODY + [PERFLENS, "--replay", copy, "--json", *args],
                           capture_output=True, timeout=120)
    finally:
        os.unlink(copy)
    assert d
    return p


def _key(e):
    return (e["type"], e.get("pid"), e.get("tid"), e.get("comm"), e.get("lat_us"),
            e.get("file"), tuple(e.get("ustack", ())), tuple(e.get("waited", ())),
            e.get("child"), e.get("code"), e.get("dev"), e.get("bytes"))


def test_round_trip_as_nobody():
    """Record live with --json --record; replay as nobody: the same events come out
    (types, pids, comms, latencies, stacks), and the recording is mode 0600."""
    tmp = os.path.join(scratch_dir(), f"perflens-rt-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    try:
        path, pl, pids, live_summary = _record(tmp)
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
        p = _replay_as_nobody(path)
        assert p.returncode == 0, p.stderr.decode()
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        live = [_key(e) for e in pl.events() if e["type"] not in ("ready", "summary")]
        replayed = [_key(e) for e in lines if e["type"] not in ("ready", "summary")]
        assert live == replayed, f"{len(live)} live vs {len(replayed)} replayed lines"
        mine = [e for e in lines if e.get("pid") == pids[0] and e["type"] == "read"]
        assert mine and any(f.startswith("read_outer+") for f in mine[0]["ustack"]), mine
        assert any(e["type"] == "block" and e["comm"] == "dd" for e in lines)
        assert any(e["type"] == "exec" and e["pid"] in pids for e in lines)
        assert lines[0]["type"] == "ready" and lines[0] == pl.ready
        rsum = lines[-1]
        assert rsum["type"] == "summary"
        assert rsum["counts"] == live_summary["counts"]
        assert live_summary["recording"]["events"] > 0
        assert live_summary["recording"]["dropped"] == 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _replay_bytes(data, tmp, name, binary=None):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([binary or (ASAN if os.path.exists(ASAN) else PERFLENS), "--replay",
                        path, "--json", "--output", "none"], capture_output=True, timeout=120)
    return p


def test_truncated_recording_replays_whole_frames():
    """Cut at several offsets: exactly the events of the frames wholly before the cut
    come back (the summary's event count), exit 0, one warning line."""
    tmp = os.path.join(scratch_dir(), f"perflens-cut-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    try:
        path, _, _, _ = _record(tmp)
        data = open(path, "rb").read()
        kinds, events = plrec.summary(data)
        assert kinds.get("events", 0) >= 2, kinds
        cuts = sorted({len(data) // 3, len(data) // 2, (2 * len(data)) // 3, len(data) - 7})
        for cut in cuts:
            expect = sum(1 for t, end in events if end <= cut and t != 10)  # inflight: taps only
            p = _replay_bytes(data[:cut], tmp, f"cut{cut}.plrec")
            err = p.stderr.decode()
            assert p.returncode == 0, (cut, err)
            got = json.loads(p.stdout.splitlines()[-1])["events"]
            assert got == expect, (cut, got, expect)
            assert "truncated" in err and len(err.strip().splitlines()) == 1, err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_damaged_recordings_fail_cleanly():
    """Bad magic, unknown version, flipped bytes: a clear line naming the offset, or a
    clean skip -- never a crash (run under ASan+UBSan when it is built)."""
    tmp = os.path.join(scratch_dir(), f"perflens-dmg-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    try:
        path, _, _, _ = _record(tmp)
        data = bytearray(open(path, "rb").read())
        bad = bytearray(data)
        bad[0:8] = b"NOTPERFL"
        p = _replay_bytes(bytes(bad), tmp, "magic.plrec")
        assert p.returncode == 1 and b"bad magic at offset 0" in p.stderr, p.stderr
        bad = bytearray(data)
        bad[8] = 9
        p = _replay_bytes(bytes(bad), tmp, "version.plrec")
        assert p.returncode == 1 and b"unsupported recording format 9" in p.stderr, p.stderr
        rnd = random.Random(1234)
        for i in range(25):
            bad = bytearray(data)
            for _ in range(rnd.randint(1, 8)):
                bad[rnd.randrange(16, len(bad))] ^= 1 << rnd.randrange(8)
            p = _replay_bytes(bytes(bad), tmp, f"flip{i}.plrec")
            err = p.stderr.decode()
            assert p.returncode in (0, 1), (i, p.returncode, err[-2000:])
            assert "AddressSanitizer" not in err and "runtime error" not in err, err[-2000:]
            if p.returncode == 1:
                assert "offset" in err and len(err.strip().splitlines()) == 1, err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_kill_9_loses_at_most_the_last_second():
    """Record while a parallel --json run watches the same workload, kill -9 the
    recorder: every watched event older than the kill minus 1 s is in the file."""
    tmp = os.path.join(scratch_dir(), f"perflens-k9-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    path = os.path.join(tmp, "k9.plrec")
    try:
        with running("-t", "20ms", "--comm", "plk9") as watch:
            rec = Perflens("-t", "20ms", "--comm", "plk9", "--record", path, "--output", "none")
            w = start_helper("plh_piperd", "--name", "plk9", *(["60"] * 40))
            time.sleep(2.5)
            kill_wall = time.time()
            rec.proc.send_signal(signal.SIGKILL)
            rec.proc.wait()
            w.finish()
            time.sleep(0.5)
        start = watch.ready["start_unix"]
        old = [e for e in watch.events(lambda e: e.get("type") == "read")
               if start + e["ts"] < kill_wall - 1.0]
        assert len(old) >= 10, len(old)
        p = subprocess.run([PERFLENS, "--replay", path, "--json"], capture_output=True,
                           timeout=60)
        assert p.returncode == 0, p.stderr
        # Each perflens times a read with its own probes (a few us apart): match the
        # reads by who and how many bytes (plh_piperd returns 100+i on read i).
        got = {(e["pid"], e["tid"], e["bytes"]) for e in map(json.loads, p.stdout.splitlines())
               if e.get("type") == "read"}
        missing = [e for e in old if (e["pid"], e["tid"], e["bytes"]) not in got]
        assert not missing, f"{len(missing)} of {len(old)} missing"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


REPORT_KEYS = {"type", "file", "host", "kernel", "version", "start", "end", "duration_s",
               "threshold_us", "attach", "problem", "recorder", "counts", "drops",
               "top_storage", "top_waits", "hot", "cgroups", "top_files", "devices",
               "latency_histogram", "worst_events", "spikes", "bookmarks", "ai", "findings"}


def test_report_markdown_and_json():
    """The workload's comm and file appear in both reports; the JSON report has
    exactly the documented keys; it runs without root."""
    tmp = os.path.join(scratch_dir(), f"perflens-rep-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    try:
        path, pl, pids, _ = _record(tmp)
        os.chmod(tmp, 0o755)
        shutil.chown(path, "nobody")
        md = subprocess.run(NOBODY + [PERFLENS, "report", path], capture_output=True,
                            timeout=60)
        js = subprocess.run(NOBODY + [PERFLENS, "report", path, "--format", "json"],
                            capture_output=True, timeout=60)
        assert md.returncode == 0 and js.returncode == 0, (md.stderr, js.stderr)
        text = md.stdout.decode()
        rep = json.loads(js.stdout)
        assert set(rep) == REPORT_KEYS, set(rep) ^ REPORT_KEYS
        pipe = [e["file"] for e in pl.events(lambda e: e.get("pid") in pids and
                                             e.get("type") == "read")][0]
        for needle in ("plh_stacks", "plh_piperd", pipe, "# perflens incident report"):
            assert needle in text, needle
        assert any(p["comm"] in ("plh_stacks", "plh_piperd") for p in rep["top_waits"])
        assert any(f["file"] == pipe for f in rep["top_files"])
        assert rep["worst_events"] and rep["worst_events"][0]["lat_us"] >= 40000
        assert any(d["dev"] for d in rep["devices"])
        bad = subprocess.run([PERFLENS, "report"], capture_output=True)
        assert bad.returncode == 2 and b"expected one recording file" in bad.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_replay_slice_from_to():
    """--from/--to print exactly the lines of a full replay inside the slice; times that
    are not times, or a slice outside the recording, are one-line usage errors."""
    tmp = os.path.join(scratch_dir(), f"perflens-slice-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    try:
        path, _, _, _ = _record(tmp)
        full = subprocess.run([PERFLENS, "--replay", path, "--json"], capture_output=True,
                              timeout=120)
        assert full.returncode == 0, full.stderr.decode()
        lines = [json.loads(l) for l in full.stdout.splitlines()]
        timed = sorted({e["ts"] for e in lines if e["type"] not in ("ready", "summary")})
        assert len(timed) > 20
        # Cut between lines about a third and two thirds in, where they are at least
        # 20 us apart: printed times are rounded to 1 us, so a cut closer to a line
        # could fall on either side of it.
        def gap_at(k):
            while k + 1 < len(timed) and timed[k + 1] - timed[k] < 2e-5:
                k += 1
            return k
        i, j = gap_at(len(timed) // 3), gap_at(2 * len(timed) // 3)
        assert i < j < len(timed) - 1, (i, j, len(timed))
        lo, hi = (timed[i] + timed[i + 1]) / 2, (timed[j] + timed[j + 1]) / 2
        want = [e for e in lines if e["type"] not in ("ready", "summary") and lo <= e["ts"] <= hi]
        p = subprocess.run([PERFLENS, "--replay", path, "--json", "--from", f"+{lo:.9f}s",
                            "--to", f"+{hi:.9f}s"], capture_output=True, timeout=120)
        assert p.returncode == 0, p.stderr.decode()
        got = [json.loads(l) for l in p.stdout.splitlines()]
        assert got[0]["type"] == "ready" and got[-1]["type"] == "summary"
        assert got[1:-1] == want, f"{len(got) - 2} sliced vs {len(want)} wanted"
        for args, msg in ((["--from", "half past"], "--from: not a time"),
                          (["--from", "+2s", "--to", "+1s"], "--to is before --from"),
                          (["--from", "+1h"], "outside the recording")):
            p = subprocess.run([PERFLENS, "--replay", path, "--json", *args],
                               capture_output=True, timeout=60)
            err = p.stderr.decode()
            assert p.returncode == 2 and msg in err and len(err.splitlines()) == 1, err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_replay_prints_cgroup_and_nspid():
    """The live lines' cgroup path and namespace pid come back in the replay (REC_NAMES),
    for a workload in its own pid namespace: its replayed lines equal the live ones."""
    tmp = os.path.join(scratch_dir(), f"perflens-names-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    path = os.path.join(tmp, "names.plrec")
    try:
        with running("-t", "50ms", "--kinds", "pipe", "--record", path) as pl:
            w = Workload(["unshare", "--pid", "--fork", helper("plh_piperd"), "150", "150"])
            pl.wait_for(lambda e: e.get("type") == "read" and e.get("nspid") == 1, 10,
                        "namespaced read")
            assert w.finish() == 0
            time.sleep(1.2)
            pl.stop()
        live = [e for e in pl.events() if e["type"] not in ("ready", "summary", "tick")]
        p = _replay_as_nobody(path)
        assert p.returncode == 0, p.stderr.decode()
        replayed = [json.loads(l) for l in p.stdout.splitlines()]
        replayed = [e for e in replayed if e["type"] not in ("ready", "summary", "tick")]
        assert any(e.get("nspid") == 1 and e["type"] == "read" for e in replayed)
        assert any(e.get("cgroup") for e in replayed)
        # The workload's lines, exactly.  The printer and the recorder look names up
        # separately, so a process that exits in between (the helper's writer child
        # does at once) has its nspid in one and not the other; other people's
        # processes on this shared machine may also exit or lose their cgroup.
        mine = {e["pid"] for e in live if e.get("comm") in ("plh_piperd", "unshare")}

        def same(a, b):
            return {k: v for k, v in a.items() if k != "nspid"} == \
                {k: v for k, v in b.items() if k != "nspid"}
        ours = list(zip([e for e in replayed if e["pid"] in mine],
                        [e for e in live if e["pid"] in mine]))
        assert len(ours) >= 4 and len(replayed) == len(live)
        assert all(same(a, b) for a, b in ours), [p for p in ours if not same(*p)][:2]
        # The reader lives through its reads: every one of them is named, as live.
        reads = [(a, b) for a, b in ours if b["type"] == "read" and b.get("nspid")]
        assert reads and all(a == b for a, b in reads), reads[:2]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
