/*
 * Replay seek figures (NAME VALUE UNIT):
 *   seek_file_bytes   size of the recording the seeks run on (about 1 GB)
 *   seek_file_span_s  the recorded time it covers
 *   seek_ms_warm      median of 100 jumps to random times, file in the page cache
 *   seek_ms_cold      median of 100 more, caches dropped before each (not timed)
 *   seek_ms_warm_p90  the 90th percentile of the warm ones
 * A seek is timed as the user waits for it: from replay_seek() (the UI's
 * request) until the consumer's drains have nothing more due, so the stores
 * hold the state at the target, lookback re-feed included.
 *
 * The recording is written by the real recorder from a synthetic mix at
 * RATE events/s of recorded time: slow pipe and file reads/writes from 200
 * processes over 2000 files with 512 user and 64 wait stacks, block I/O with
 * kernel stacks, CPU samples, a fork+exec+exit every 50 ms, and the 1 Hz
 * tick (which flushes a frame per second, as live).  It lives in /var/tmp and
 * is deleted at the end.  Needs root for drop_caches (cold is skipped
 * without it).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "record/header.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "stack_resolver.h"
#include "util/monotime.h"
#include "bench_stats.h"

#define PATH "/var/tmp/perflens-bench-seek.plrec"
#define TARGET_BYTES (1000ull << 20)
#define RATE 4000          /* events per recorded second */
#define NUSTK 512
#define NKSTK 64
#define SEEKS 100
#define NS 1000000000ull

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	return xorshift64(&rng);
}

static struct engine *new_engine(void)
{
	/* perflens' own defaults: resets clear stores of the real size. */
	struct engine_config cfg = { .window_s = 300, .eventlog_cap = 50000, .proc_cap = 32768,
				     .keep_exited_ns = 120 * NS };

	return engine_new(&cfg);
}

static void make_stacks(struct engine *e, uint32_t *ustk, uint32_t *kstk)
{
	for (int i = 0; i < NUSTK + NKSTK; i++) {
		bool kernel = i >= NUSTK;
		uint64_t ips[3] = { 0x401000u + (uint64_t)i * 64, 0x402000, 0x403000 };
		char *blob = malloc(256);
		int n = snprintf(blob, 256, "%s_%d+0x1c (%s)", kernel ? "wait_fn" : "handler", i,
				 kernel ? "kernel" : "server");
		int m = snprintf(blob + n + 1, 255 - (size_t)n, "dispatch+0x80 (server) srv.c:%d", i);

		strcpy(blob + n + 1 + m + 1, "main+0x4a (server) srv.c:12");
		if (kernel)
			kstk[i - NUSTK] = stackstore_intern(e->stacks, 0, true, ips, 3);
		else
			ustk[i] = stackstore_intern(e->stacks, 1000 + (uint32_t)i % 200, false, ips, 3);
		stackstore_set_frames(e->stacks, kernel ? kstk[i - NUSTK] : ustk[i], blob, 3);
	}
}

/* The i-th event of the mix at ts. */
static void make_event(struct pl_event *ev, uint64_t i, uint64_t ts, const uint32_t *ustk,
		       const uint32_t *kstk)
{
	uint64_t r = next_rand();
	uint32_t pid = 1000 + (uint32_t)(r % 200);

	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = ts;
	ev->pid = ev->tid = pid;
	ev->cgroup_id = 1 + pid % 8;
	snprintf(ev->comm, sizeof(ev->comm), "srv%u", pid % 200);
	if (i % 200 == 0) {             /* a short-lived child: fork, exec, exit */
		uint32_t child = 50000 + (uint32_t)(i / 600) % 10000;

		ev->type = (uint8_t)(PL_EV_FORK + (i / 200) % 3);
		if (ev->type == PL_EV_FORK) {
			ev->u.fork.child_pid = child;
			ev->u.fork.child_start_ns = ts;
			return;
		}
		ev->pid = ev->tid = child;
		if (ev->type == PL_EV_EXEC) {
			ev->u.exec.ppid = pid;
			ev->u.exec.start_ns = ts - 1000;
			snprintf(ev->u.exec.args, sizeof(ev->u.exec.args),
				 "/usr/bin/helper --job %llu", (unsigned long long)(i / 600));
		} else {
			ev->u.exit.ppid = pid;
			ev->u.exit.lifetime_ns = 20000000;
		}
		return;
	}
	if (i % 20 == 1) {              /* a CPU sample */
		ev->type = PL_EV_SAMPLE;
		ev->u.sample.ustack_id = ustk[r % NUSTK];
		ev->u.sample.kstack_id = kstk[(r >> 20) % NKSTK];
		return;
	}
	if (i % 10 == 2) {              /* block I/O */
		ev->type = PL_EV_BLOCK;
		ev->kind = PL_KIND_BLOCKDEV;
		ev->u.blk.lat_ns = 200000 + r % 20000000;
		ev->u.blk.bytes = 4096u << (r % 6);
		ev->u.blk.ustack_id = ustk[r % NUSTK];
		ev->u.blk.kstack_id = kstk[(r >> 20) % NKSTK];
		return;
	}
	ev->type = (uint8_t)(PL_EV_READ + r % 3);
	ev->kind = r % 4 ? PL_KIND_FILE : PL_KIND_PIPE;
	ev->u.io.lat_ns = 1000000 + (r >> 8) % 50000000;
	ev->u.io.start_ns = ts - ev->u.io.lat_ns;
	ev->u.io.blocked_ns = ev->u.io.lat_ns / 2;
	ev->u.io.ret = 4096;
	ev->u.io.req_bytes = 4096;
	ev->u.io.ino = 10000 + (r >> 16) % 2000;
	ev->u.io.fd = 3 + (int32_t)(r % 20);
	ev->u.io.ustack_id = ustk[r % NUSTK];
	ev->u.io.wstack_id = kstk[(r >> 20) % NKSTK];
	snprintf(ev->u.io.file, sizeof(ev->u.io.file), "/srv/data/part-%05llu.db",
		 (unsigned long long)ev->u.io.ino);
}

/* The writer must keep up: wait while its queue is over half full. */
static void keep_up(struct recorder *rec)
{
	struct timespec ms = { 0, 1000000L };

	while (atomic_load(&rec->q.head) - atomic_load(&rec->q.tail) > rec->q.cap / 2)
		nanosleep(&ms, NULL);
}

static int make_recording(uint64_t *span_ns)
{
	struct engine *e = new_engine();
	struct stack_resolver res;
	struct recorder rec;
	uint32_t ustk[NUSTK], kstk[NKSTK];
	char err[256];
	struct stat st;
	uint64_t i = 0;
	int64_t sec = 0;

	make_stacks(e, ustk, kstk);
	if (stack_resolver_start(&res, e->stacks, NULL) ||
	    recorder_start(&rec, PATH, 0, rec_header_new(e, json_object_new_object()), e, &res,
			   NULL, 65536, err, sizeof(err))) {
		fprintf(stderr, "bench_seek: %s\n", err);
		return -1;
	}
	for (;;) {
		struct pl_event ev;
		char tick[96];

		for (int k = 0; k < RATE; k++, i++) {
			make_event(&ev, i, e->origin_ns + (uint64_t)sec * NS + (uint64_t)k * (NS / RATE),
				   ustk, kstk);
			recorder_tap(&rec, &ev);
			if (k % 4096 == 0)
				keep_up(&rec);
		}
		snprintf(tick, sizeof(tick), "{\"type\":\"tick\",\"sec\":%lld,\"psi\":{}}",
			 (long long)sec);
		keep_up(&rec);
		engine_lock(e);
		satstore_put_tick(e->sat, sec, strdup(tick));
		engine_unlock(e);
		memset(&ev, 0, sizeof(ev));
		ev.type = PL_EV_TICK;
		ev.ts_ns = e->origin_ns + (uint64_t)(sec + 1) * NS;
		ev.u.tick.sec = sec;
		recorder_tap(&rec, &ev);
		sec++;
		if (sec % 64 == 0 && (stat(PATH, &st) || (uint64_t)st.st_size >= TARGET_BYTES))
			break;
	}
	recorder_stop(&rec);
	stack_resolver_stop(&res);
	engine_free(e);
	*span_ns = (uint64_t)sec * NS;
	if (rec.dropped_events || evqueue_dropped(&rec.q)) {
		fprintf(stderr, "bench_seek: the recorder dropped events\n");
		return -1;
	}
	return 0;
}

/* Cold: the replay's own mapping of the file out of the page tables, then
 * the page cache dropped (drop_caches leaves mapped pages alone). */
static int drop_caches(void *map, size_t size)
{
	int fd;

	if (madvise(map, size, MADV_DONTNEED))
		return -1;
	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return -1;
	if (write(fd, "3", 1) != 1) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The mapping of PATH in this process, from /proc/self/maps. */
static size_t find_mapping(void **map)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long lo, hi;
	size_t size = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, PATH) && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			*map = (void *)lo;
			size = hi - lo;
			break;
		}
	if (f)
		fclose(f);
	return size;
}

static int wrong_seconds;

/* One timed seek; then a check that it landed (every second has events
 * from its first ns, so the timeline's newest second is the target's). */
static double seek_once(struct engine *e, struct pl_source *src, uint64_t target)
{
	uint64_t t0 = monotime_ns();
	double ms;
	int n;

	engine_lock(e);
	replay_seek(src, target);
	engine_unlock(e);
	do {
		engine_lock(e);
		n = source_drain(src);
		engine_unlock(e);
	} while (n > 0);
	ms = (double)(monotime_ns() - t0) / 1e6;
	wrong_seconds += timeline_latest(e->tl) != engine_sec(e, target);
	return ms;
}

int main(void)
{
	double warm[SEEKS], cold[SEEKS];
	const struct replay_info *ri;
	struct pl_source *src;
	struct engine *e;
	void *map = NULL;
	size_t map_size;
	uint64_t span, range;
	char err[256];
	struct stat st;
	int ncold = 0;

	if (make_recording(&span) || stat(PATH, &st)) {
		unlink(PATH);
		return 1;
	}
	printf("seek_file_bytes %lld bytes\n", (long long)st.st_size);
	printf("seek_file_span_s %.0f s\n", (double)span / 1e9);
	printf("seek_rate_events_per_s %d events/s\n", RATE);
	e = new_engine();
	src = replay_source_new(PATH, (struct pl_sink){ engine_on_event, e }, e, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "bench_seek: %s\n", err);
		unlink(PATH);
		return 1;
	}
	replay_set_speed(src, 1);
	replay_set_paused(src, true);
	ri = replay_info(src);
	range = ri->end_ts - ri->start_mono_ns;
	for (int i = 0; i < SEEKS; i++)
		warm[i] = seek_once(e, src, ri->start_mono_ns + next_rand() % range);
	map_size = find_mapping(&map);
	for (int i = 0; i < SEEKS && map_size; i++) {
		uint64_t target = ri->start_mono_ns + next_rand() % range;

		if (drop_caches(map, map_size))
			break;
		cold[ncold++] = seek_once(e, src, target);
	}
	printf("seek_ms_warm %.1f ms\n", median(warm, SEEKS));
	printf("seek_ms_warm_p90 %.1f ms\n", warm[SEEKS * 9 / 10]); /* sorted by median() */
	if (ncold == SEEKS)
		printf("seek_ms_cold %.1f ms\n", median(cold, SEEKS));
	else
		fprintf(stderr, "bench_seek: cannot drop caches (not root?): no cold figure\n");
	source_free(src);
	engine_free(e);
	unlink(PATH);
	if (wrong_seconds)
		fprintf(stderr, "bench_seek: %d seeks did not land on their second\n", wrong_seconds);
	return wrong_seconds ? 1 : 0;
}
