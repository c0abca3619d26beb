/*
 * Frame cost of every TUI view with full stores: 1M events in the event
 * log, 5k processes, a 300 s timeline.  Draws into an off-screen curses
 * screen (200x50 on /dev/null) and times whole frames as the main loop
 * does them: the per-refresh snapshot, the view's update (its incremental
 * scans included) and the drawing, while new events keep arriving between
 * frames (10k per frame, about a 100k events/s storm at 10 frames/s).
 *
 * Prints "NAME VALUE UNIT" lines: frame_ms_p50, frame_ms_p99 over all
 * views, and frame_ms_p50/p99_<view> for each.  Frame times are the
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID, page faults included), so a
 * busy shared machine does not inflate them with time spent preempted;
 * frame_wall_ms_p99 gives the wall-clock figure for comparison.
 *
 *   bench_ui [frames-per-view]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/engine.h"
#include "../ui/crt.h"
#include "../ui/tui_int.h"
#include "../src/util/monotime.h"
#include "bench_stats.h"

#define NPROCS 5000
#define NEVENTS 1000000
#define WINDOW 300
#define PER_FRAME 10000

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	return xorshift64(&rng);
}

static const char *const comms[] = { "postgres", "nginx", "java", "python3", "bash", "rsync",
				     "日本語worker", "bad\x1b[31mname" };

static void make_procs(struct engine *e, uint64_t t0)
{
	for (uint32_t i = 0; i < NPROCS; i++) {
		struct pl_event ev;
		uint32_t pid = 1000 + i;
		uint32_t ppid = i < 10 ? 1 : 1000 + (uint32_t)(next_rand() % i);

		memset(&ev, 0, sizeof(ev));
		ev.ts_ns = t0 + i;
		ev.type = PL_EV_FORK;
		ev.pid = ppid;
		ev.u.fork.child_pid = pid;
		ev.u.fork.child_start_ns = 1000000000ull + i;
		snprintf(ev.comm, sizeof(ev.comm), "%s", comms[i % 8]);
		engine_ingest(e, &ev);
		ev.type = PL_EV_EXEC;
		ev.pid = pid;
		ev.u.exec.start_ns = 1000000000ull + i;
		ev.u.exec.ppid = ppid;
		snprintf(ev.u.exec.args, sizeof(ev.u.exec.args), "%s --worker %u --password=hunter2",
			 comms[i % 8], i);
		engine_ingest(e, &ev);
	}
}

static void one_event(struct engine *e, uint64_t ts)
{
	struct pl_event ev;
	uint64_t r = next_rand();
	unsigned type = 1 + (unsigned)(r % 4);

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts;
	ev.pid = 1000 + (uint32_t)(r >> 8) % NPROCS;
	ev.tid = ev.pid;
	ev.cgroup_id = 1 + (r >> 20) % 8;
	ev.type = (uint16_t)type;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comms[(ev.pid - 1000) % 8]);
	if (type == PL_EV_BLOCK) {
		ev.kind = PL_KIND_BLOCKDEV;
		ev.u.blk.lat_ns = 1000000 + (r >> 30) % 50000000;
		ev.u.blk.bytes = 4096;
		ev.u.blk.dev = (8u << 20) | (unsigned)((r >> 12) % 3);
		snprintf(ev.u.blk.devname, sizeof(ev.u.blk.devname), "sd%c", 'a' + (int)((r >> 12) % 3));
	} else {
		ev.kind = (uint8_t)((r >> 16) % PL_KIND_MAX);
		ev.u.io.lat_ns = 5000000 + (r >> 24) % 2000000000;
		ev.u.io.ret = 4096;
		ev.u.io.req_bytes = 4096;
		ev.u.io.ino = (r >> 33) % 20000;
		ev.u.io.dev = 8u << 20;
		snprintf(ev.u.io.file, sizeof(ev.u.io.file), "/var/lib/data/dir%llu/file%llu.db",
			 (unsigned long long)(ev.u.io.ino % 50), (unsigned long long)ev.u.io.ino);
	}
	engine_ingest(e, &ev);
}

/* A stand-in for the stack store: 2000 folded stacks, 6 to 20 frames deep,
 * so the stacks view (list and icicle) is timed with real-sized input. */
static size_t fake_folded(void *ctx, uint32_t pid, int role, char *buf, size_t sz)
{
	size_t w = 0;

	(void)ctx;
	(void)pid;
	(void)role;
	for (unsigned i = 0; i < 2000 && w + 512 < sz; i++) {
		unsigned depth = 6 + i % 15;

		w += (size_t)snprintf(buf + w, sz - w, "main");
		for (unsigned d = 1; d < depth; d++)
			w += (size_t)snprintf(buf + w, sz - w, ";fn_%u_%u", d, (i >> (d % 5)) % 7);
		w += (size_t)snprintf(buf + w, sz - w, " %u\n", 1 + (i * 7919) % 1000);
	}
	return w;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(uint64_t *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return (double)v[(size_t)((double)(n - 1) * p / 100.0)] / 1e6;
}

struct scene {
	const char *name;
	enum top_view tv;
	unsigned keys[4]; /* pressed after showing the view */
};

int main(int argc, char **argv)
{
	struct engine_config ec = { .window_s = WINDOW, .eventlog_cap = NEVENTS,
				    .proc_cap = 32768, .keep_exited_ns = 3600ull * 1000000000ull };
	struct pl_options o = { .refresh_ms = 1000, .threshold_ns = 5000000 };
	struct crt_opts co = { .offscreen = true, .width = 200, .height = 50 };
	int frames = argc > 1 ? atoi(argv[1]) : 100;
	static const struct scene scenes[] = {
		{ "dashboard", TV_DASH, { 0 } },
		{ "timeline", TV_TIMELINE, { 0 } },
		{ "procs", TV_PROCS, { 0 } },
		{ "events", TV_EVENTS, { 0 } },
		{ "events_latency", TV_EVENTS, { 'o' } },
		{ "events_filtered", TV_EVENTS, { '\\', 'p', 'o', K_ENTER } },
		{ "second", TV_TIMELINE, { K_LEFT, K_ENTER } },
		{ "proc_detail", TV_PROCS, { K_DOWN, K_DOWN, K_ENTER } },
		{ "event_detail", TV_EVENTS, { K_ENTER } },
		{ "stacks", TV_STACKS, { 0 } },
		{ "flame", TV_STACKS, { 'f' } },
		{ "hot", TV_HOT, { 0 } },
		{ "help", TV_HELP, { 0 } },
	};
	size_t nscenes = sizeof(scenes) / sizeof(scenes[0]);
	uint64_t *all, *mine, *snaps, *wall, ts, t0, w0, tl0;
	struct tui_env env = { 0 };
	struct engine *e;
	struct tui *t;
	char err[256];
	size_t nall = 0, nsnaps = 0;

	if (frames < 10)
		frames = 10;
	e = engine_new(&ec);
	all = calloc(nscenes * (size_t)frames, sizeof(*all));
	mine = calloc((size_t)frames, sizeof(*mine));
	snaps = calloc(nscenes * (size_t)frames, sizeof(*snaps));
	wall = calloc(nscenes * (size_t)frames, sizeof(*wall));
	if (!e || !all || !mine || !snaps || !wall) {
		fprintf(stderr, "bench_ui: out of memory\n");
		return 1;
	}
	tl0 = monotime_ns();
	make_procs(e, e->origin_ns);
	/* 1M events spread over the window (the newest second is "now"). */
	for (uint64_t i = 0; i < NEVENTS; i++)
		one_event(e, e->origin_ns + i * (WINDOW * 1000000000ull / NEVENTS));
	ts = e->origin_ns + WINDOW * 1000000000ull;
	fprintf(stderr, "bench_ui: stores filled in %.1f s (%zu processes, %llu events held)\n",
		(double)(monotime_ns() - tl0) / 1e9, proctree_count(e->pt),
		(unsigned long long)eventlog_count(e->log));

	env.eng = e;
	env.opts = &o;
	env.folded_stacks = fake_folded;
	t = tui_new(&env);
	if (!t || crt_init(&co, err, sizeof(err))) {
		fprintf(stderr, "bench_ui: %s\n", t ? err : "out of memory");
		return 1;
	}
	for (size_t s = 0; s < nscenes; s++) {
		while (tui_pop(t))
			;
		tui_show(t, scenes[s].tv);
		snap_take(t);
		tui_frame(t, UI_DATA | UI_REDRAW);
		for (int k = 0; k < 4 && scenes[s].keys[k]; k++) {
			tui_key(t, (int)scenes[s].keys[k], NULL);
			tui_frame(t, UI_DATA | UI_REDRAW);
		}
		for (int f = 0; f < frames; f++) {
			for (int i = 0; i < PER_FRAME; i++)
				one_event(e, ts += 100000);
			w0 = monotime_ns();
			t0 = cpu_ns();
			snap_take(t);
			snaps[nsnaps++] = cpu_ns() - t0;
			tui_frame(t, UI_DATA | UI_REDRAW);
			mine[f] = cpu_ns() - t0;
			wall[nall] = monotime_ns() - w0;
			all[nall++] = mine[f];
		}
		printf("frame_ms_p50_%s %.3f ms\n", scenes[s].name, pct(mine, (size_t)frames, 50));
		printf("frame_ms_p99_%s %.3f ms\n", scenes[s].name, pct(mine, (size_t)frames, 99));
		fflush(stdout);
		if (!strcmp(scenes[s].name, "events_filtered"))
			tui_key(t, '\\', NULL), tui_key(t, K_ENTER, NULL); /* clear the filter */
	}
	crt_done();
	printf("frame_ms_p50 %.3f ms\n", pct(all, nall, 50));
	printf("frame_ms_p99 %.3f ms\n", pct(all, nall, 99));
	/* The part of a frame spent in the per-refresh snapshot (included above). */
	printf("snapshot_ms_p50 %.3f ms\n", pct(snaps, nsnaps, 50));
	printf("frame_wall_ms_p99 %.3f ms\n", pct(wall, nall, 99));
	tui_free(t);
	engine_free(e);
	free(all);
	free(mine);
	free(snaps);
	free(wall);
	return 0;
}
