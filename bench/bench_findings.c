/*
 * One evaluation of every findings rule (findings_tick) against full
 * stores, in memory, no kernel.  Prints "NAME VALUE UNIT" lines:
 *
 *   rules_eval_us          median of REPS evaluations, CPU time of the evaluating
 *                          thread (goal <= 1000)
 *   rules_eval_us_p99      99th percentile of the same
 *   rules_eval_us_wall     median wall time (swings with other load on this shared
 *                          2-vCPU machine, hence CPU time for the goal)
 *   rules_eval_locked_us   median wall time holding the engine lock
 *
 * The stores, built once with engine_ingest and by filling the saturation
 * store directly:
 *   - 4500 processes (exec events), then 1 M events over 100 s (10 k/s):
 *     35% file reads/writes (a fifth of them >= 5 ms), 20% pipe reads,
 *     10% fsyncs, 10% block requests, 10% forks, 5% execs, 10% exits of
 *     500 forked children (5000 processes in the tree); pids drawn from
 *     the 4500, 1000 files on vda1;
 *   - the event log holds all of them (cap 1 M), the engine otherwise has
 *     perflens' defaults (300 s window, 32768 processes);
 *   - 8 devices, 256 stuck ops (half on files), 16 D-state processes, PSI,
 *     run-queue and own-cost samples, 16 OOM victims; every input is over
 *     its warning threshold, so findings open and stay open (their
 *     evidence is copied every second: the expensive case).
 * The evaluated second is the last one, so the newest-events scan stops at
 * its cap (4096 events), also the worst case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "engine.h"
#include "findings/findings.h"
#include "util/devname.h"

#define NPROC 4500
#define NCHILD 500  /* forked, exec'd and exited over and over: 5000 processes in all */
#define NEVENTS 1000000
#define SECS 100
#define REPS 301
#define PID0 10000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	return (uint32_t)(xorshift64(&rng) >> 11);
}

static void lost_cb(void *ctx, struct findings_lost *out)
{
	uint64_t *n = ctx;

	*n += 5; /* a steady trickle of drops */
	out->ring = *n;
}

static void fill_io(struct pl_event *ev, uint32_t r)
{
	static const uint16_t types[] = { PL_EV_READ, PL_EV_WRITE };

	ev->type = types[r & 1];
	ev->kind = PL_KIND_FILE;
	ev->u.io.lat_ns = (r % 5 == 0 ? 5000000ull : 200000ull) + r % 1000000;
	ev->u.io.dev = (253u << 20) | 1;
	ev->u.io.wstack_id = 1 + r % 64;
	ev->u.io.ustack_id = 100 + r % 256;
	snprintf(ev->u.io.file, sizeof(ev->u.io.file), "/srv/data/f%u.db", r % 1000);
}

/* Event i of the mix, at its place in the SECS seconds. */
static void make_event(const struct engine *e, struct pl_event *ev, uint64_t i)
{
	uint32_t r = rnd(), pick = r % 100;

	memset(ev, 0, offsetof(struct pl_event, u));
	ev->pid = ev->tid = PID0 + r % NPROC;
	snprintf(ev->comm, sizeof(ev->comm), "proc%u", ev->pid % 97);
	ev->ts_ns = e->origin_ns + i * (SECS * 1000000000ull / NEVENTS);
	if (pick < 35) {
		fill_io(ev, r);
	} else if (pick < 55) {
		ev->type = PL_EV_READ;
		ev->kind = PL_KIND_PIPE;
		ev->u.io.lat_ns = 50000000;
		snprintf(ev->u.io.file, sizeof(ev->u.io.file), "pipe:[%u]", r % 500);
	} else if (pick < 65) {
		fill_io(ev, r);
		ev->type = PL_EV_SYNC;
		ev->u.io.lat_ns = 8000000;
	} else if (pick < 75) {
		ev->type = PL_EV_BLOCK;
		ev->u.blk.lat_ns = 7000000;
		ev->u.blk.bytes = 4096u << (r % 5);
		snprintf(ev->u.blk.devname, sizeof(ev->u.blk.devname), "vda");
	} else if (pick < 85) {
		ev->type = PL_EV_FORK;
		ev->u.fork.child_pid = PID0 + NPROC + (uint32_t)(i % NCHILD);
		ev->u.fork.child_start_ns = 2000000000ull + i % NCHILD;
	} else if (pick < 90) {
		ev->type = PL_EV_EXEC;
		ev->u.exec.ppid = PID0 + r % 50;
		ev->u.exec.start_ns = 1000000000ull + (ev->pid - PID0);
	} else {
		ev->type = PL_EV_EXIT;
		ev->pid = ev->tid = PID0 + NPROC + (uint32_t)(i % NCHILD);
		ev->u.exit.start_ns = 2000000000ull + i % NCHILD;
	}
}

static void fill_events(struct engine *e)
{
	struct pl_event ev;

	engine_lock(e);
	for (uint32_t p = 0; p < NPROC; p++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = PL_EV_EXEC;
		ev.pid = ev.tid = PID0 + p;
		ev.ts_ns = e->origin_ns;
		ev.u.exec.start_ns = 1000000000ull + p;
		ev.u.exec.ppid = 1;
		snprintf(ev.comm, sizeof(ev.comm), "proc%u", p % 97);
		engine_ingest(e, &ev);
	}
	for (uint64_t i = 0; i < NEVENTS; i++) {
		make_event(e, &ev, i);
		engine_ingest(e, &ev);
	}
	engine_unlock(e);
}

static void fill_series(struct satstore *sat, int64_t sec)
{
	double psi[SAT_PSI_NFIELDS] = { [SAT_PSI_CPU_SOME] = 60, [SAT_PSI_IO_SOME] = 60,
					[SAT_PSI_MEM_SOME] = 40, [SAT_PSI_IO_FULL] = 20 };
	double runq[SAT_RUNQ_NFIELDS] = { 5000, 200, 60000, 90000 };
	double self[SAT_SELF_NFIELDS] = { 20, 10, 100, 30, 10000 };

	series_push(sat->psi, sec, psi);
	series_push(sat->runq, sec, runq);
	series_push(sat->self, sec, self);
	sat->psi_available = sat->runq_available = true;
	sat->last_sec = sec;
}

static void fill_sat(struct satstore *sat, int64_t sec)
{
	static const char *const names[] = { "vda", "vdb", "sda", "sdb", "nvme0n1", "nvme1n1",
					     "dm-0", "md0" };

	for (int i = 0; i < 8; i++) {
		struct sat_dev *d = satstore_dev(sat, names[i]);

		d->rotational = i < 4;
		d->iops = 500;
		d->p99_us = 600000;
		d->util_pct = 99;
		d->qdepth = 70;
	}
	for (int i = 0; i < SAT_MAX_INFLIGHT; i++) {
		struct sat_inflight *o = &sat->inflight[i];

		o->pid = o->tid = PID0 + (uint32_t)i;
		o->kind = i % 2 ? PL_KIND_FILE : PL_KIND_PIPE;
		o->age_ns = (uint64_t)(i + 1) * 1000000000ull;
		snprintf(o->file, sizeof(o->file), "/mnt/nfs/file%d", i);
	}
	sat->ninflight = SAT_MAX_INFLIGHT;
	sat->dstate_total = 40;
	for (int i = 0; i < SAT_MAX_DSTATE; i++)
		sat->dstate[i] = (struct sat_dstate){ .pid = PID0 + (uint32_t)i, .count = 2 };
	sat->ndstate = SAT_MAX_DSTATE;
	fill_series(sat, sec);
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	struct engine_config ec = { .window_s = 300, .eventlog_cap = NEVENTS, .proc_cap = 32768,
				    .keep_exited_ns = 120ull * 1000000000ull };
	uint64_t lost = 0, wall[REPS], cpu[REPS], locked[REPS];
	struct findings_config fc = { .lost = lost_cb, .lost_ctx = &lost };
	struct findings_stats st;
	struct engine *e = engine_new(&ec);
	struct findings *f = findings_new(&fc);
	int64_t sec = SECS;

	if (!e || !f) {
		fprintf(stderr, "bench_findings: out of memory\n");
		return 1;
	}
	devname_refresh("/proc/partitions");
	fill_events(e);
	fill_sat(e->sat, sec);
	for (int i = 0; i < 16; i++) {
		struct findings_oom o = { .pid = PID0 + (uint32_t)i, .anon_rss_kb = 1 << 20,
					  .ts_ns = e->origin_ns + (uint64_t)sec * 1000000000ull };

		snprintf(o.comm, sizeof(o.comm), "hog%d", i);
		findings_note_oom(f, &o);
	}
	for (int i = 0; i < REPS; i++) {
		uint64_t t0 = engine_now_ns(), c0 = thread_cpu_ns();

		findings_tick(f, e, sec);
		cpu[i] = thread_cpu_ns() - c0;
		wall[i] = engine_now_ns() - t0;
		findings_stats(f, &st);
		locked[i] = st.last_locked_ns;
	}
	fprintf(stderr, "bench_findings: %zu processes, %zu events held, %zu findings open, "
		"%llu events scanned per evaluation\n", proctree_count(e->pt), eventlog_count(e->log),
		findings_open_count(f), (unsigned long long)st.last_scanned);
	qsort(wall, REPS, sizeof(wall[0]), cmp_u64);
	qsort(cpu, REPS, sizeof(cpu[0]), cmp_u64);
	qsort(locked, REPS, sizeof(locked[0]), cmp_u64);
	fprintf(stderr, "bench_findings: cpu min %.1f max %.1f us; wall min %.1f max %.1f us\n",
		cpu[0] / 1e3, cpu[REPS - 1] / 1e3, wall[0] / 1e3, wall[REPS - 1] / 1e3);
	printf("rules_eval_us %.1f us\n", cpu[REPS / 2] / 1e3);
	printf("rules_eval_us_p99 %.1f us\n", cpu[REPS * 99 / 100] / 1e3);
	printf("rules_eval_us_wall %.1f us\n", wall[REPS / 2] / 1e3);
	printf("rules_eval_locked_us %.1f us\n", locked[REPS / 2] / 1e3);
	findings_free(f);
	engine_free(e);
	return 0;
}
