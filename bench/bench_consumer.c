/*
 * Consumer throughput: event_decode() + engine_ingest() over a synthetic mix
 * of raw ring-buffer records, in memory (no kernel, no output taps), with the
 * engine's stack sink so stack interning is included.  One thread, pinned to
 * one CPU.  Prints "NAME VALUE UNIT" lines:
 *
 *   consumer_events_per_s          median of REPS timed runs of NREC records
 *   consumer_events_per_s_spread   interquartile range of those runs
 *   consumer_ns_per_event          1e9 / the median
 *   consumer_ns_per_event_{io,block,proc,sample}
 *                                  the same loop over one class of records
 *                                  alone (median), to see where the time goes
 *
 * The mix (documented in docs/performance.md), drawn with a fixed seed:
 *   70%  read/write (50/50), no stacks (ustack_n = wstack_n = 0):
 *        half on pipes (file shown as "pipe:[ino]"), half on regular files
 *        with a 3-component path ("/srv/data/fNNN.txt", leaf first in the ABI)
 *   10%  block requests on vda, 4-128 KiB, no stacks (default: no --block-stacks)
 *   10%  process events, cycling fork -> exec -> exit over 1000 child pids
 *   10%  PMU samples with an 8-frame user stack (32 distinct per process)
 *        and an 8-frame kernel stack (128 distinct, shared)
 * Records come from 64 processes.  They are laid out like the BPF ring
 * buffer (8-byte header, 8-byte aligned) in a 16 MiB arena (the default
 * --ring-size) that is walked cyclically, so records stream from memory,
 * not from L1.  The only extra work per record is rewriting its timestamp,
 * so time moves forward at 10 M events/s of simulated time.
 * The engine is configured like perflens' defaults (300 s window, 50000
 * event log, 32768 processes, 65536 stacks); the engine lock is taken once
 * per batch of 256 records, as the consumer does once per drain.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "event_decode.h"
#include "util/devname.h"
#include "util/monotime.h"
#include "bench_stats.h"

#ifndef ARENA_BYTES
#define ARENA_BYTES (16u << 20)
#endif
#define NREC 2000000
#define REPS 9
#define CLASS_NREC 500000
#define CLASS_REPS 5
#define NPROC 64
#define NCHILD 1000
#define BATCH 256
#define SIM_STEP_NS 100 /* 10 M events per simulated second */

struct arena {
	uint8_t *buf;
	size_t used;
	size_t nrec;
	uint32_t *off; /* offset of each record's payload */
	uint32_t *len;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	return (uint32_t)(xorshift64(&rng) >> 11);
}

static void *arena_reserve(struct arena *a, uint32_t size)
{
	size_t need = 8 + ((size + 7) & ~7u);
	uint8_t *p;

	if (a->used + need > ARENA_BYTES)
		return NULL;
	p = a->buf + a->used;
	memcpy(p, &size, sizeof(size)); /* the ring buffer's length word */
	a->off[a->nrec] = (uint32_t)(a->used + 8);
	a->len[a->nrec] = size;
	a->nrec++;
	a->used += need;
	memset(p + 8, 0, size);
	return p + 8;
}

static void fill_hdr(struct pl_hdr *h, uint16_t type, uint32_t size, uint32_t pid)
{
	h->ts_ns = 0; /* rewritten as the record is consumed */
	h->cgroup_id = 4242 + pid % 4;
	h->pid = pid;
	h->tid = pid;
	h->type = type;
	h->version = PL_ABI_VERSION;
	h->size = size;
	snprintf(h->comm, sizeof(h->comm), "worker%02u", pid % 100);
}

static uint32_t some_pid(void)
{
	return 1000 + rnd() % NPROC;
}

static int add_io(struct arena *a)
{
	struct pl_io_event *e = arena_reserve(a, sizeof(*e));
	uint32_t pid = some_pid();
	int pipe = rnd() & 1;

	if (!e)
		return -1;
	fill_hdr(&e->h, (rnd() & 1) ? PL_EV_READ : PL_EV_WRITE, sizeof(*e), pid);
	e->lat_ns = 5000000 + rnd() % 15000000;
	e->start_ns = 1000; /* not used by the stores */
	e->req_bytes = 4096;
	e->ret = 4096;
	e->ino = 100000 + rnd() % 5000;
	e->blocked_ns = e->lat_ns / 2;
	e->runq_ns = 1000;
	e->dev = pipe ? 13 : (254u << 20);
	e->fd = 3 + rnd() % 10;
	e->syscall_nr = e->h.type == PL_EV_READ ? 0 : 1;
	e->kind = pipe ? PL_KIND_PIPE : PL_KIND_FILE;
	if (!pipe) {
		int n = snprintf(e->path, sizeof(e->path), "f%03u.txt", rnd() % 1000);

		memcpy(e->path + n + 1, "data", 5);
		memcpy(e->path + n + 1 + 5, "srv", 4);
		e->path_len = (uint16_t)(n + 1 + 5 + 4);
		e->path_depth = 3;
	}
	return 0;
}

static int add_block(struct arena *a)
{
	struct pl_block_event *e = arena_reserve(a, sizeof(*e));
	uint32_t pid = some_pid();

	if (!e)
		return -1;
	fill_hdr(&e->h, PL_EV_BLOCK, sizeof(*e), pid);
	e->lat_ns = 5000000 + rnd() % 5000000;
	e->start_ns = 1000;
	e->issue_ns = 2000;
	e->sector = rnd();
	e->dev = 254u << 20;
	e->bytes = 4096u << (rnd() % 6);
	e->issuer_pid = pid;
	e->op = rnd() & 1;
	return 0;
}

static int add_proc(struct arena *a, unsigned seq)
{
	uint32_t child = 20000 + (seq / 3) % NCHILD, parent = some_pid();

	switch (seq % 3) {
	case 0: {
		struct pl_fork_event *e = arena_reserve(a, sizeof(*e));

		if (!e)
			return -1;
		fill_hdr(&e->h, PL_EV_FORK, sizeof(*e), parent);
		e->child_pid = child;
		e->child_start_ns = 1000000ull * seq;
		return 0;
	}
	case 1: {
		struct pl_exec_event *e = arena_reserve(a, sizeof(*e));
		static const char args[] = "true\0--flag\0/srv/data";

		if (!e)
			return -1;
		fill_hdr(&e->h, PL_EV_EXEC, sizeof(*e), child);
		e->start_ns = 1000000ull * (seq - 1);
		e->ppid = parent;
		e->old_pid = child;
		memcpy(e->filename, "/usr/bin/true", 14);
		e->filename_len = 14;
		memcpy(e->args, args, sizeof(args));
		e->args_len = sizeof(args);
		return 0;
	}
	default: {
		struct pl_exit_event *e = arena_reserve(a, sizeof(*e));

		if (!e)
			return -1;
		fill_hdr(&e->h, PL_EV_EXIT, sizeof(*e), child);
		e->start_ns = 1000000ull * (seq - 2);
		e->lifetime_ns = 2000000;
		e->ppid = parent;
		return 0;
	}
	}
}

static int add_sample(struct arena *a)
{
	struct pl_sample_event *e = arena_reserve(a, sizeof(*e));
	uint32_t pid = some_pid(), us = rnd() % 32, ks = rnd() % 128;

	if (!e)
		return -1;
	fill_hdr(&e->h, PL_EV_SAMPLE, sizeof(*e), pid);
	e->cpu = rnd() & 1;
	e->ustack_n = 8;
	e->kstack_n = 8;
	for (int i = 0; i < 8; i++) {
		e->ustack[i] = 0x555555554000ull + 0x1000ull * (uint64_t)(us * 8 + i) + 0x40u * i;
		e->kstack[i] = 0xffffffff81000000ull + 0x800ull * (uint64_t)(ks * 8 + i) + 0x10u * i;
	}
	return 0;
}

/* Fill the arena with records of the given mix (percentages io, block, proc, sample). */
static void arena_fill(struct arena *a, const unsigned mix[4])
{
	unsigned proc_seq = 0;
	int r = 0;

	a->buf = aligned_alloc(64, ARENA_BYTES);
	a->off = malloc(sizeof(*a->off) * (ARENA_BYTES / 64));
	a->len = malloc(sizeof(*a->len) * (ARENA_BYTES / 64));
	if (!a->buf || !a->off || !a->len) {
		fprintf(stderr, "bench_consumer: out of memory\n");
		exit(1);
	}
	a->used = a->nrec = 0;
	while (r == 0) {
		unsigned x = rnd() % 100;

		if (x < mix[0])
			r = add_io(a);
		else if (x < mix[0] + mix[1])
			r = add_block(a);
		else if (x < mix[0] + mix[1] + mix[2])
			r = add_proc(a, proc_seq++);
		else
			r = add_sample(a);
	}
}

static void arena_free(struct arena *a)
{
	free(a->buf);
	free(a->off);
	free(a->len);
}

static struct engine *new_engine(void)
{
	/* perflens' defaults (src/main.c, src/options.c). */
	struct engine_config cfg = {
		.window_s = 300, .eventlog_cap = 50000, .proc_cap = 32768,
		.keep_exited_ns = 120ull * 1000000000ull,
	};
	struct engine *e = engine_new(&cfg);

	if (!e) {
		fprintf(stderr, "bench_consumer: engine_new failed\n");
		exit(1);
	}
	return e;
}

static uint64_t sim_ts;
static struct pl_event ev;

/* Consume n records from the arena, cyclically from *pos.  Returns ns taken. */
static uint64_t consume(struct engine *e, struct arena *a, size_t *pos, size_t n)
{
	struct pl_stack_sink sink = engine_stack_sink(e);
	uint64_t t0 = monotime_ns();
	size_t i = *pos;

	for (size_t done = 0; done < n;) {
		size_t batch = n - done < BATCH ? n - done : BATCH;

		engine_lock(e);
		for (size_t k = 0; k < batch; k++) {
			uint8_t *rec = a->buf + a->off[i];

			((struct pl_hdr *)rec)->ts_ns = (sim_ts += SIM_STEP_NS);
			if (event_decode(rec, a->len[i], &sink, &ev)) {
				fprintf(stderr, "bench_consumer: record %zu does not decode\n", i);
				exit(1);
			}
			engine_ingest(e, &ev);
			if (++i == a->nrec)
				i = 0;
		}
		engine_unlock(e);
		done += batch;
	}
	*pos = i;
	return monotime_ns() - t0;
}

static double quantile(double *v, int n, double q)
{
	double idx = q * (n - 1);
	int lo = (int)idx;

	qsort(v, n, sizeof(*v), cmp_double);
	return lo + 1 < n ? v[lo] + (v[lo + 1] - v[lo]) * (idx - lo) : v[lo];
}

/* Median (and IQR) of reps timed runs of n records, after one warm-up pass. */
static double run_mix(const unsigned mix[4], size_t n, int reps, double *iqr, size_t *nrec)
{
	struct arena a;
	struct engine *e = new_engine();
	double rate[REPS > CLASS_REPS ? REPS : CLASS_REPS];
	size_t pos = 0;

	arena_fill(&a, mix);
	*nrec = a.nrec;
	sim_ts = e->origin_ns;
	consume(e, &a, &pos, a.nrec); /* warm-up: stores and stacks in steady state */
	for (int r = 0; r < reps; r++)
		rate[r] = n * 1e9 / (double)consume(e, &a, &pos, n);
	if (e->stacks && stackstore_refused(e->stacks))
		fprintf(stderr, "bench_consumer: warning: stack store refused %llu stacks\n",
			(unsigned long long)stackstore_refused(e->stacks));
	if (iqr) {
		double tmp[REPS > CLASS_REPS ? REPS : CLASS_REPS];

		memcpy(tmp, rate, sizeof(double) * reps);
		*iqr = quantile(tmp, reps, 0.75) - quantile(tmp, reps, 0.25);
	}
	engine_free(e);
	arena_free(&a);
	return quantile(rate, reps, 0.5);
}

int main(void)
{
	static const unsigned mix[4] = { 70, 10, 10, 10 };
	static const struct {
		const char *name;
		unsigned mix[4];
	} classes[] = {
		{ "io", { 100, 0, 0, 0 } },
		{ "block", { 0, 100, 0, 0 } },
		{ "proc", { 0, 0, 100, 0 } },
		{ "sample", { 0, 0, 0, 100 } },
	};
	cpu_set_t set;
	double med, iqr;
	size_t nrec;

	CPU_ZERO(&set);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	devname_refresh("/proc/partitions");

	med = run_mix(mix, NREC, REPS, &iqr, &nrec);
	fprintf(stderr, "bench_consumer: mix 70/10/10/10, %zu records in a %u MiB arena, "
		"%d runs of %d records\n", nrec, ARENA_BYTES >> 20, REPS, NREC);
	printf("consumer_events_per_s %.0f events/s\n", med);
	printf("consumer_events_per_s_spread %.0f events/s\n", iqr);
	printf("consumer_ns_per_event %.1f ns\n", 1e9 / med);
	fflush(stdout);
	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		double m = run_mix(classes[c].mix, CLASS_NREC, CLASS_REPS, NULL, &nrec);

		printf("consumer_ns_per_event_%s %.1f ns\n", classes[c].name, 1e9 / m);
		fflush(stdout);
	}
	return 0;
}
