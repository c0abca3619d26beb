/*
 * Recording and replay figures (NAME VALUE UNIT):
 *   record_bytes_per_event  marginal file bytes per slow pipe read with stacks
 *                           ((size with N events - size with 0) / N)
 *   record_overhead_pct     CPU per event (all threads, writer included) with
 *                           the recorder tapping vs without, median of 5
 *                           alternating runs at 100k events/s.  "Without" is the
 *                           engine alone (no BPF, no decode): the percentage is
 *                           against the cheapest part of a live event, so
 *                           record_cpu_ns_per_event is printed as well
 *   replay_events_per_s     replay of a 1M-event recording into the stores
 * Synthetic: a documented mix (pipe reads from 50 processes, 200 files, 64
 * distinct user stacks and 16 wait stacks, all with resolved frames), so the
 * figures depend on the format and the code, not on what the machine runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "record/header.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "stack_resolver.h"
#include "bench_stats.h"

#define RUNS 5

static uint64_t last_dropped;

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct engine *new_engine(void)
{
	struct engine_config cfg = { .window_s = 60, .eventlog_cap = 4096, .proc_cap = 4096,
				     .keep_exited_ns = 1ull << 62 };

	return engine_new(&cfg);
}

/* Stacks with frames already attached, as replay or the resolver leave them. */
static void make_stacks(struct engine *e, uint32_t *ustk, uint32_t *wstk)
{
	for (int i = 0; i < 64 + 16; i++) {
		uint64_t ips[6] = { 0x401000u + i * 64, 0x401800, 0x402000, 0x7f0000001000, 0, 0 };
		bool kernel = i >= 64;
		uint32_t id = stackstore_intern(e->stacks, kernel ? 0 : 1000 + i % 50, kernel, ips, 4);
		char blob[512];
		int n = snprintf(blob, sizeof(blob), "%s_%d+0x1c (prog)", kernel ? "wait_fn" : "user_fn", i);
		char *b = malloc((size_t)n + 64);

		memcpy(b, blob, (size_t)n + 1);
		strcpy(b + n + 1, "main+0x4a (prog) prog.c:12");
		stackstore_set_frames(e->stacks, id, b, 2);
		if (kernel)
			wstk[i - 64] = id;
		else
			ustk[i] = id;
	}
}

static void make_event(struct pl_event *ev, uint64_t i, uint64_t t0, const uint32_t *ustk,
		       const uint32_t *wstk)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = PL_EV_READ;
	ev->kind = PL_KIND_PIPE;
	ev->ts_ns = t0 + i * 20000;
	ev->pid = ev->tid = 1000 + (uint32_t)(i % 50);
	ev->cgroup_id = 1;
	snprintf(ev->comm, sizeof(ev->comm), "worker%u", (unsigned)(i % 50));
	ev->u.io.start_ns = ev->ts_ns - 6000000 - (i % 977) * 1000;
	ev->u.io.lat_ns = ev->ts_ns - ev->u.io.start_ns;
	ev->u.io.blocked_ns = ev->u.io.lat_ns - 3000;
	ev->u.io.ret = 100 + (int64_t)(i % 7);
	ev->u.io.req_bytes = 4096;
	ev->u.io.ino = 5000 + i % 200;
	ev->u.io.dev = 15;
	ev->u.io.fd = 3;
	ev->u.io.ustack_id = ustk[i % 64];
	ev->u.io.wstack_id = wstk[i % 16];
	snprintf(ev->u.io.file, sizeof(ev->u.io.file), "pipe:[%llu]", (unsigned long long)ev->u.io.ino);
}

/* Record n events; returns the file size (and CPU seconds used in *cpu). */
static long record(const char *path, uint64_t n, bool tap, bool pace, double *cpu)
{
	struct engine *e = new_engine();
	struct stack_resolver res;
	struct recorder rec;
	uint32_t ustk[64], wstk[16];
	char err[256];
	struct stat st;
	double c0;

	make_stacks(e, ustk, wstk);
	stack_resolver_start(&res, e->stacks, NULL);
	if (tap && recorder_start(&rec, path, 0, rec_header_new(e, json_object_new_object()), e, &res,
				  NULL, RECORDER_QUEUE_CAP, err, sizeof(err))) {
		fprintf(stderr, "bench_record: %s\n", err);
		exit(1);
	}
	c0 = cpu_s();
	for (uint64_t i = 0; i < n; i++) {
		struct pl_event ev;

		/* 100k events/s, the rate a busy live session sees: a flat-out
		 * producer only measures how fast the writer can drop. */
		if (pace && i % 1000 == 0) {
			struct timespec ms = { 0, 10 * 1000000L };

			nanosleep(&ms, NULL);
		}
		make_event(&ev, i, e->origin_ns, ustk, wstk);
		engine_lock(e);
		engine_ingest(e, &ev);
		if (tap)
			recorder_tap(&rec, &ev);
		engine_unlock(e);
	}
	if (tap) {
		recorder_stop(&rec);
		last_dropped = rec.dropped_events;
	}
	*cpu = cpu_s() - c0;
	stack_resolver_stop(&res);
	engine_free(e);
	return tap && !stat(path, &st) ? (long)st.st_size : 0;
}

static void on_event(void *ctx, const struct pl_event *ev)
{
	engine_ingest(ctx, ev);
}

int main(void)
{
	const char *path = "/var/tmp/perflens-bench.plrec";
	uint64_t n = 100000, big = 1000000;
	double with[RUNS], without[RUNS], c;
	long s0 = record(path, 0, true, false, &c), s1 = record(path, n, true, true, &c);
	struct engine *e;
	struct pl_source *src;
	char err[256];
	double t0;
	uint64_t got = 0;
	int r;

	printf("record_bytes_per_event %.1f bytes\n", (double)(s1 - s0) / (double)n);
	for (int i = 0; i < RUNS; i++) {
		record(path, n, false, true, &without[i]);
		record(path, n, true, true, &with[i]);
	}
	qsort(with, RUNS, sizeof(double), cmp_double);
	qsort(without, RUNS, sizeof(double), cmp_double);
	printf("record_overhead_pct %.1f %%\n", (with[RUNS / 2] / without[RUNS / 2] - 1) * 100);
	printf("record_cpu_ns_per_event %.0f ns\n", (with[RUNS / 2] - without[RUNS / 2]) / n * 1e9);
	printf("record_dropped_events %llu events\n", (unsigned long long)last_dropped);
	record(path, big, true, true, &c);
	e = new_engine();
	src = replay_source_new(path, (struct pl_sink){ on_event, e }, e, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "bench_record: %s\n", err);
		return 1;
	}
	t0 = now_s();
	while ((r = source_drain(src)) >= 0)
		got += (uint64_t)r;
	printf("replay_events_per_s %.0f events/s\n", (double)got / (now_s() - t0));
	printf("replay_events_checked %llu events\n", (unsigned long long)got);
	source_free(src);
	engine_free(e);
	unlink(path);
	return got == big ? 0 : 1;
}
