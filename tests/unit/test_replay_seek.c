/*
 * Unit tests for replay time travel (src/record/replay.c seeks,
 * src/record/replay_time.c): a recording made by the real recorder, replayed
 * from memory.  Seeking back then playing must leave the stores as a straight
 * play to the same moment; jumps land on their second; targets outside the
 * recording are clamped; side frames (bookmarks) are not kept twice, and a
 * store fed from finding frames follows seeks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "findings/findings_json.h"
#include "record/format.h"
#include "record/header.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "record/replay_time.h"
#include "stack_resolver.h"

#define SECS 40            /* seconds recorded */
#define PER_SEC 50         /* slow reads per second */
#define NSTACKS 8
#define NS 1000000000ull

struct recording {
	uint8_t *data;
	size_t size;
	uint64_t start;    /* the recorder's origin: the recording's ts 0 */
	double wall;
};

static struct recording rec;

static struct engine *new_engine(unsigned window, size_t logcap)
{
	struct engine_config cfg = { .window_s = window, .eventlog_cap = logcap, .proc_cap = 512,
				     .keep_exited_ns = 1ull << 62 };

	return engine_new(&cfg);
}

static void make_stacks(struct engine *e, uint32_t *ids)
{
	for (int i = 0; i < NSTACKS; i++) {
		uint64_t ips[2] = { 0x401000u + (uint64_t)i * 64, 0x402000 };
		char *blob = malloc(64);
		int n = snprintf(blob, 64, "fn_%d+0x1c (prog)", i);

		strcpy(blob + n + 1, "main+0x4a (prog)");
		ids[i] = stackstore_intern(e->stacks, 0, false, ips, 2);
		stackstore_set_frames(e->stacks, ids[i], blob, 2);
	}
}

static void ingest(struct engine *e, struct recorder *r, const struct pl_event *ev)
{
	engine_lock(e);
	engine_ingest(e, ev);
	recorder_tap(r, ev);
	engine_unlock(e);
}

/* Finding s/10 opens at second 10k+2 and clears at 10k+8: the findings
 * open at a time are the ones whose decade reached 2 but not 8. */
static void record_finding(struct recorder *r, int s)
{
	char line[160];

	if (s % 10 != 2 && s % 10 != 8)
		return;
	snprintf(line, sizeof(line),
		 "{\"type\":\"finding\",\"id\":%d,\"rule\":\"slow_storage\",\"state\":\"%s\","
		 "\"severity\":\"warning\",\"ts\":%d,\"value\":%d}",
		 s / 10 + 1, s % 10 == 2 ? "open" : "cleared", s, s);
	recorder_side(r, REC_FINDING, json_tokener_parse(line));
}

/* Second s: a fork+exec of a short-lived child, PER_SEC slow reads spread
 * over the second (the first exactly on it), then the second's tick. */
static void record_second(struct engine *e, struct recorder *r, const uint32_t *stk, int s)
{
	uint64_t t0 = e->origin_ns + (uint64_t)s * NS;
	struct pl_event ev;
	char tick[64];

	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_FORK;
	ev.ts_ns = t0 + 1000;
	ev.pid = ev.tid = 100;
	snprintf(ev.comm, sizeof(ev.comm), "parent");
	ev.u.fork.child_pid = 2000 + (uint32_t)s;
	ev.u.fork.child_start_ns = t0;
	ingest(e, r, &ev);
	for (int i = 0; i < PER_SEC; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = PL_EV_READ;
		ev.kind = PL_KIND_PIPE;
		ev.ts_ns = t0 + (uint64_t)i * (NS / PER_SEC);
		ev.pid = ev.tid = 1000 + (uint32_t)(i % 5);
		ev.cgroup_id = 1 + (uint64_t)(i % 3);
		snprintf(ev.comm, sizeof(ev.comm), "worker%d", i % 5);
		ev.u.io.lat_ns = 1000000 + (uint64_t)(s * PER_SEC + i) * 1000;
		ev.u.io.start_ns = ev.ts_ns - ev.u.io.lat_ns;
		ev.u.io.ret = 100;
		ev.u.io.ustack_id = stk[(s + i) % NSTACKS];
		snprintf(ev.u.io.file, sizeof(ev.u.io.file), "pipe:[%d]", 7000 + i % 4);
		ingest(e, r, &ev);
	}
	snprintf(tick, sizeof(tick), "{\"type\":\"tick\",\"sec\":%d}", s);
	engine_lock(e);
	satstore_put_tick(e->sat, s, strdup(tick));
	engine_unlock(e);
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_TICK;
	ev.ts_ns = t0 + NS - 1;
	ev.u.tick.sec = s;
	ingest(e, r, &ev);
	if (s % 10 == 5)
		recorder_side(r, REC_MARK, json_object_new_string("mark"));
	record_finding(r, s);
	usleep(2000); /* let the writer keep up: a drop would make the test vacuous */
}

static int make_recording(void **state)
{
	char path[] = "/tmp/pl-seek-XXXXXX";
	int fd = mkstemp(path);
	struct engine *e = new_engine(60, 1024);
	struct stack_resolver res;
	struct recorder r;
	uint32_t stk[NSTACKS];
	char err[256];
	FILE *f;

	(void)state;
	if (fd < 0 || !e)
		return -1;
	close(fd);
	make_stacks(e, stk);
	proctree_on_exec(e->pt, 100, 1, 1, "parent", "parent --serve");
	if (stack_resolver_start(&res, e->stacks, NULL) ||
	    recorder_start(&r, path, 0, rec_header_new(e, json_object_new_object()), e, &res, NULL,
			   65536, err, sizeof(err)))
		return -1;
	for (int s = 0; s < SECS; s++)
		record_second(e, &r, stk, s);
	recorder_stop(&r);
	stack_resolver_stop(&res);
	if (r.dropped_events)
		return -1;
	rec.start = e->origin_ns;
	rec.wall = e->origin_wall;
	engine_free(e);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	rec.size = (size_t)ftell(f);
	rewind(f);
	rec.data = malloc(rec.size);
	if (fread(rec.data, 1, rec.size, f) != rec.size)
		return -1;
	fclose(f);
	unlink(path);
	return 0;
}

static int free_recording(void **state)
{
	(void)state;
	free(rec.data);
	return 0;
}

struct player {
	struct engine *e;
	struct pl_source *src;
};

/* Paced and paused: the clock moves only when the test moves it. */
static struct player open_player(unsigned window, size_t logcap)
{
	struct player p = { new_engine(window, logcap), NULL };
	char err[256] = "";

	assert_non_null(p.e);
	p.src = replay_source_new_mem(rec.data, rec.size, (struct pl_sink){ engine_on_event, p.e },
				      p.e, err, sizeof(err));
	if (!p.src)
		fail_msg("open: %s", err);
	replay_set_speed(p.src, 1);
	replay_set_paused(p.src, true);
	return p;
}

static void close_player(struct player *p)
{
	source_free(p->src);
	engine_free(p->e);
}

/* Seek (lock held, as the UI does), then drain until nothing more is due. */
static uint64_t seek_and_settle(struct player *p, uint64_t ts)
{
	uint64_t got;
	int n;

	engine_lock(p->e);
	got = replay_seek(p->src, ts);
	engine_unlock(p->e);
	do {
		engine_lock(p->e);
		n = source_drain(p->src);
		engine_unlock(p->e);
	} while (n > 0);
	assert_true(n == 0);
	return got;
}

/* A straight play: one-second steps forward from the start, then to ts. */
static void play_straight(struct player *p, uint64_t ts)
{
	for (uint64_t t = rec.start + NS; t < ts; t += NS)
		seek_and_settle(p, t);
	seek_and_settle(p, ts);
}

static int collect_proc(struct proc_node *n, void *arg)
{
	uint64_t *sum = arg;

	sum[0] += n->pid * 7919u + n->st.slow_count[PL_KIND_PIPE] + (n->exited ? 13 : 0);
	sum[1]++;
	return 0;
}

/* The seconds of the timeline window that both engines hold, every cell. */
static void assert_same_timeline(struct engine *a, struct engine *b)
{
	int64_t latest = timeline_latest(a->tl);
	unsigned w = timeline_window(a->tl);

	assert_int_equal(latest, timeline_latest(b->tl));
	for (int64_t s = latest - (int64_t)w + 1; s <= latest; s++) {
		const struct tl_second *x = timeline_get(a->tl, s), *y = timeline_get(b->tl, s);

		if (!x || !y) {
			assert_true(!x == !y);
			continue;
		}
		assert_memory_equal(x, y, sizeof(*x));
	}
}

static void assert_same_eventlog(struct engine *a, struct engine *b)
{
	assert_int_equal(eventlog_count(a->log), eventlog_count(b->log));
	for (size_t i = 0; i < eventlog_count(a->log); i++) {
		const struct pl_event *x = eventlog_get(a->log, i), *y = eventlog_get(b->log, i);

		assert_int_equal(x->ts_ns, y->ts_ns);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->pid, y->pid);
		assert_string_equal(x->comm, y->comm);
		assert_int_equal(x->u.io.lat_ns, y->u.io.lat_ns);
		assert_int_equal(x->u.io.ustack_id, y->u.io.ustack_id);
	}
}

static void assert_same_procs(struct engine *a, struct engine *b)
{
	uint64_t x[2] = { 0, 0 }, y[2] = { 0, 0 };

	proctree_foreach(a->pt, collect_proc, x);
	proctree_foreach(b->pt, collect_proc, y);
	assert_true(x[1] > 0);
	assert_int_equal(x[0], y[0]);
	assert_int_equal(x[1], y[1]);
}

/* Lookback reaches the start (window 60 s > recording): everything equal,
 * whole-run totals and stack aggregates included. */
static void test_seek_back_equals_straight_play(void **state)
{
	uint64_t target = rec.start + 12 * NS + NS / 2;
	struct player a = open_player(60, 4096), b = open_player(60, 4096);

	(void)state;
	play_straight(&a, target);
	play_straight(&b, rec.start + 30 * NS);
	assert_true(b.e->events > a.e->events);
	assert_int_equal(seek_and_settle(&b, target), target);

	assert_int_equal(a.e->events, (12 * (PER_SEC + 1)) + 1 + PER_SEC / 2 + 1);
	assert_int_equal(a.e->events, b.e->events);
	assert_memory_equal(&a.e->tot, &b.e->tot, sizeof(a.e->tot));
	assert_same_timeline(a.e, b.e);
	assert_same_eventlog(a.e, b.e);
	assert_same_procs(a.e, b.e);
	assert_int_equal(stackagg_count(a.e->agg), stackagg_count(b.e->agg));
	for (size_t i = 0; i < stackagg_count(a.e->agg); i++)
		assert_memory_equal(stackagg_get(a.e->agg, i), stackagg_get(b.e->agg, i),
				    sizeof(struct stackagg_entry));
	for (uint32_t id = 1; id <= stackstore_count(a.e->stacks); id++) {
		const struct stack_entry *x = stackstore_get(a.e->stacks, id);
		const struct stack_entry *y = stackstore_get(b.e->stacks, id);

		assert_int_equal(x->count, y->count);
		assert_int_equal(x->total_ns, y->total_ns);
	}
	assert_int_equal(cgstats_count(a.e->cg), cgstats_count(b.e->cg));
	assert_non_null(satstore_get_tick(b.e->sat, 11));
	assert_null(satstore_get_tick(b.e->sat, 20)); /* the future is forgotten */
	close_player(&a);
	close_player(&b);
}

/* A 10 s window: the seek re-feeds 10 s, not the whole file, and what the
 * views show of the window is still what a straight play shows. */
static void test_seek_back_bounded_lookback(void **state)
{
	uint64_t target = rec.start + 25 * NS + NS / 4;
	struct player a = open_player(10, 64), b = open_player(10, 64);

	(void)state;
	play_straight(&a, target);
	play_straight(&b, rec.start + 36 * NS);
	seek_and_settle(&b, target);
	assert_true(b.e->events < a.e->events / 2); /* only the lookback was re-fed */
	assert_true(b.e->events >= 9 * (PER_SEC + 1));
	assert_same_timeline(a.e, b.e);
	assert_same_eventlog(a.e, b.e);
	/* The start snapshot re-seeded the process tree. */
	assert_non_null(proctree_find(b.e->pt, 100));
	assert_string_equal(proctree_find(b.e->pt, 100)->args, "parent --serve");
	close_player(&a);
	close_player(&b);
}

/* A jump typed as the wall-clock time of second 7 lands on second 7. */
static void test_jump_lands_on_second(void **state)
{
	struct replay_clocks c = { rec.start, rec.wall };
	struct player p = open_player(60, 4096);
	char hms[16], err[160] = "";
	uint64_t ts;

	(void)state;
	/* A whole wall-clock second: the recording's start is mid-second. */
	replay_time_format(&c, rec.start + 7 * NS + NS, hms, sizeof(hms));
	assert_int_equal(replay_time_parse(hms, &c, rec.start, &ts, err, sizeof(err)), 0);
	assert_true(ts > rec.start + 7 * NS && ts <= rec.start + 8 * NS);
	assert_int_equal(seek_and_settle(&p, ts), ts);
	assert_int_equal(timeline_latest(p.e->tl), 7);
	assert_int_equal(replay_clock(p.src), ts);
	/* Relative, from there. */
	assert_int_equal(replay_time_parse("-5s", &c, ts, &ts, err, sizeof(err)), 0);
	seek_and_settle(&p, ts);
	assert_int_equal(timeline_latest(p.e->tl), 2);
	assert_int_equal(replay_time_parse("+90", &c, rec.start, &ts, err, sizeof(err)), 0);
	assert_int_equal(ts, rec.start + 90 * NS);
	close_player(&p);
}

static void test_time_parse_rejects(void **state)
{
	static const char *const bad[] = { "", "abc", "+", "-", "+5x", "25:00:00", "10:61:00",
					   "10:00", "10:00:00x", "1e3", "+-5s", "--5" };
	struct replay_clocks c = { rec.start, rec.wall };
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t ts = 42;

		err[0] = '\0';
		if (replay_time_parse(bad[i], &c, rec.start, &ts, err, sizeof(err)) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(ts, 42);
		assert_non_null(strstr(err, "not a time"));
	}
}

static void test_seek_clamped(void **state)
{
	struct player p = open_player(60, 4096);
	const struct replay_info *ri = replay_info(p.src);

	(void)state;
	assert_true(ri->end_ts >= rec.start + (SECS - 1) * NS);
	assert_int_equal(seek_and_settle(&p, UINT64_MAX), ri->end_ts);
	assert_true(replay_at_end(p.src));
	assert_int_equal(p.e->events, SECS * (PER_SEC + 1));
	assert_int_equal(seek_and_settle(&p, 0), rec.start);
	assert_false(replay_at_end(p.src));
	assert_int_equal(p.e->events, 0);
	assert_int_equal(timeline_latest(p.e->tl), -1);
	/* The start snapshot is there even with no event delivered. */
	assert_non_null(proctree_find(p.e->pt, 100));
	close_player(&p);
}

/* Bookmarks met again after a seek back are not kept twice. */
static void test_side_frames_not_duplicated(void **state)
{
	struct player p = open_player(60, 4096);

	(void)state;
	seek_and_settle(&p, UINT64_MAX);
	assert_int_equal(json_object_array_length(replay_marks(p.src)), SECS / 10);
	seek_and_settle(&p, rec.start + NS);
	seek_and_settle(&p, UINT64_MAX);
	seek_and_settle(&p, rec.start + 20 * NS);
	seek_and_settle(&p, UINT64_MAX);
	assert_int_equal(json_object_array_length(replay_marks(p.src)), SECS / 10);
	close_player(&p);
}

static size_t open_findings(struct findings *f, uint64_t *ids, size_t max)
{
	struct finding list[16];
	size_t n = findings_list(f, list, 16, true), k = 0;

	for (size_t i = 0; i < n && k < max; i++)
		ids[k++] = list[i].id * 10 + (list[i].state == FINDING_CLEARED);
	return k;
}

/* The findings store a replay feeds holds, after any seek, what a straight
 * play to the same second holds: findings opened long before the lookback
 * included, findings opened after the target gone. */
static void test_seek_refeeds_findings(void **state)
{
	struct player p = open_player(5, 4096), q = open_player(5, 4096);
	struct findings *fp = findings_new(&(struct findings_config){ 0 });
	struct findings *fq = findings_new(&(struct findings_config){ 0 });
	uint64_t a[16], b[16];
	size_t na, nb;

	(void)state;
	assert_non_null(fp);
	assert_non_null(fq);
	replay_feed(p.src, REPLAY_FINDINGS,
		    (struct replay_feed){ findings_json_apply, findings_json_reset, fp });
	replay_feed(q.src, REPLAY_FINDINGS,
		    (struct replay_feed){ findings_json_apply, findings_json_reset, fq });
	seek_and_settle(&p, UINT64_MAX);
	seek_and_settle(&p, rec.start + 25 * NS); /* back: finding 3 open, 1 and 2 cleared */
	play_straight(&q, rec.start + 25 * NS);
	na = open_findings(fp, a, 16);
	nb = open_findings(fq, b, 16);
	assert_int_equal(na, 3);
	assert_int_equal(findings_open_count(fp), 1);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof(*a));
	seek_and_settle(&p, rec.start + 4 * NS); /* before the second finding opened */
	assert_int_equal(open_findings(fp, a, 16), 1);
	assert_int_equal(findings_open_count(fp), 1);
	findings_free(fp);
	findings_free(fq);
	close_player(&p);
	close_player(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seek_back_equals_straight_play),
		cmocka_unit_test(test_seek_back_bounded_lookback),
		cmocka_unit_test(test_jump_lands_on_second),
		cmocka_unit_test(test_time_parse_rejects),
		cmocka_unit_test(test_seek_clamped),
		cmocka_unit_test(test_side_frames_not_duplicated),
		cmocka_unit_test(test_seek_refeeds_findings),
	};

	return cmocka_run_group_tests(tests, make_recording, free_recording);
}
