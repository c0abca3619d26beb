/*
 * Unit tests for the incremental queries the views read (src/query/):
 * evscan (filtered index), evtopk (slowest K) and topfiles.  They must
 * agree with a brute-force scan, survive eviction, and respect budgets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query/evscan.h"
#include "query/evtopk.h"
#include "query/topfiles.h"
#include "store/eventlog.h"

/* Deterministic pseudo-random latencies. */
static uint64_t lat_of(uint64_t seq)
{
	uint64_t x = seq * 0x9E3779B97F4A7C15ull;

	return (x >> 40) % 100000 + 1;
}

static struct pl_event ev_n(uint64_t seq)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = seq;
	ev.pid = (uint32_t)(seq % 7);
	ev.type = seq % 10 == 9 ? PL_EV_FORK : PL_EV_READ;
	ev.kind = PL_KIND_FILE;
	ev.u.io.lat_ns = lat_of(seq);
	ev.u.io.ino = seq % 5 + 1;
	ev.u.io.dev = 1;
	ev.u.io.ret = 10;
	snprintf(ev.u.io.file, sizeof(ev.u.io.file), "/f%llu", (unsigned long long)(seq % 5 + 1));
	return ev;
}

static void push(struct eventlog *log, uint64_t from, uint64_t n)
{
	for (uint64_t s = from; s < from + n; s++) {
		struct pl_event ev = ev_n(s);

		eventlog_push(log, &ev);
	}
}

static bool pid3(const struct pl_event *ev, void *arg)
{
	(void)arg;
	return ev->pid == 3;
}

static void test_evscan_matches_bruteforce(void **state)
{
	struct eventlog *log = eventlog_new(1000);
	struct evscan *s = evscan_new(100000, pid3, NULL, NULL);

	(void)state;
	push(log, 0, 600);
	assert_true(evscan_update(s, log, eventlog_total(log), 0));
	push(log, 600, 900); /* wraps: the oldest 500 are gone */
	assert_true(evscan_update(s, log, eventlog_total(log), 0));
	/* Brute force over what the log holds, newest first. */
	size_t k = 0;
	for (size_t i = 0; i < eventlog_count(log); i++) {
		const struct pl_event *ev = eventlog_get(log, i);

		if (ev->pid != 3)
			continue;
		assert_int_equal(evscan_seq(s, k), ev->ts_ns);
		k++;
	}
	assert_int_equal(evscan_count(s), k);
	assert_int_equal(evscan_seq(s, k), UINT64_MAX);
	/* find: the selection stays on its event, or the next older one. */
	uint64_t seq = evscan_seq(s, 5);
	assert_int_equal(evscan_find(s, seq), 5);
	assert_int_equal(evscan_find(s, seq + 1), 5);
	evscan_free(s);
	eventlog_free(log);
}

static void test_evscan_horizon_and_budget(void **state)
{
	struct eventlog *log = eventlog_new(200000);
	struct evscan *s = evscan_new(1000000, NULL, NULL, NULL);
	int rounds = 0;

	(void)state;
	push(log, 0, 200000);
	/* A paused display: nothing at or after the horizon is taken. */
	assert_true(evscan_update(s, log, 150000, 0));
	assert_int_equal(evscan_count(s), 150000);
	assert_int_equal(evscan_seq(s, 0), 149999);
	evscan_reset(s);
	/* A tiny budget finishes over several updates, never loses events. */
	while (!evscan_update(s, log, eventlog_total(log), 1) && rounds < 100000)
		rounds++;
	assert_true(rounds > 0);
	assert_int_equal(evscan_count(s), 200000);
	assert_true(evscan_progress(s, log) >= 0.999);
	evscan_free(s);
	eventlog_free(log);
}

static void test_evscan_cap_keeps_newest(void **state)
{
	struct eventlog *log = eventlog_new(1000);
	struct evscan *s = evscan_new(10, NULL, NULL, NULL);

	(void)state;
	push(log, 0, 100);
	evscan_update(s, log, eventlog_total(log), 0);
	push(log, 100, 5);
	evscan_update(s, log, eventlog_total(log), 0);
	assert_int_equal(evscan_count(s), 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(evscan_seq(s, i), 104 - i);
	evscan_free(s);
	eventlog_free(log);
}

static bool odd(const struct pl_event *ev, void *arg)
{
	(void)arg;
	return ev->ts_ns & 1;
}

static void test_evscan_range_and_seek(void **state)
{
	struct eventlog *log = eventlog_new(1000);
	struct evscan *s = evscan_new(1000, odd, NULL, NULL);
	uint64_t lo, hi;

	(void)state;
	push(log, 0, 1500); /* ts_ns == seq; 500..1499 held */
	assert_int_equal(evlog_seq_at_ts(log, 0), 500);      /* before: the oldest held */
	assert_int_equal(evlog_seq_at_ts(log, 700), 700);
	assert_int_equal(evlog_seq_at_ts(log, 5000), 1500);  /* after: the end */
	lo = evlog_seq_at_ts(log, 600);
	hi = evlog_seq_at_ts(log, 610);
	evscan_set_range(s, lo, hi);
	assert_true(evscan_update(s, log, eventlog_total(log), 0));
	assert_int_equal(evscan_count(s), 5);                /* 601, 603 ... 609 */
	assert_int_equal(evscan_seq(s, 0), 609);
	assert_int_equal(evscan_seq(s, 4), 601);
	assert_true(evscan_examined(s) <= 10);               /* nothing outside looked at */
	evscan_free(s);
	eventlog_free(log);
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The slowest k of the held read events, by brute force. */
static size_t brute_top(struct eventlog *log, uint64_t *out, size_t k)
{
	size_t n = 0, held = eventlog_count(log);
	uint64_t *all = malloc(held * sizeof(*all));

	for (size_t i = 0; i < held; i++) {
		const struct pl_event *ev = eventlog_get(log, i);

		if (ev->type == PL_EV_READ)
			all[n++] = ev->u.io.lat_ns;
	}
	qsort(all, n, sizeof(*all), cmp_desc);
	if (n > k)
		n = k;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

static void check_topk(struct evtopk *t, struct eventlog *log)
{
	uint64_t want[100];
	size_t n = brute_top(log, want, 100);
	size_t have = evtopk_count(t);

	/* Exactly the slowest ones held, slowest first (maybe fewer after evictions). */
	assert_true(have <= n);
	for (size_t i = 0; i < have; i++)
		assert_int_equal(evlog_by_seq(log, evtopk_seq(t, i))->u.io.lat_ns, want[i]);
}

static void test_evtopk(void **state)
{
	struct eventlog *log = eventlog_new(5000);
	struct evtopk *t = evtopk_new(100, NULL, NULL);

	(void)state;
	push(log, 0, 3000);
	assert_true(evtopk_update(t, log, eventlog_total(log), 0));
	assert_int_equal(evtopk_count(t), 100);
	check_topk(t, log);
	for (int round = 0; round < 20; round++) {
		push(log, 3000 + (uint64_t)round * 1000, 1000); /* evicts 1000 each round */
		while (!evtopk_update(t, log, eventlog_total(log), 0))
			;
		check_topk(t, log);
		assert_true(evtopk_count(t) >= 50);             /* rebuilt when short */
	}
	uint64_t s0 = evtopk_seq(t, 0);
	assert_int_equal(evtopk_find(t, s0), 0);
	assert_int_equal(evtopk_find(t, UINT64_MAX - 1), evtopk_count(t));
	evtopk_reset(t);
	evtopk_update(t, log, eventlog_total(log), 0);
	check_topk(t, log);
	evtopk_free(t);
	eventlog_free(log);
}

static void test_topfiles(void **state)
{
	struct eventlog *log = eventlog_new(100);
	struct topfiles *tf = topfiles_new(16);
	struct topfile f[8];
	struct topdev d[4];
	struct pl_event blk;
	uint64_t sum[6] = { 0 };
	size_t n;

	(void)state;
	push(log, 0, 30);
	topfiles_update(tf, log);          /* the first call takes what is held */
	push(log, 30, 20);
	topfiles_update(tf, log);
	for (uint64_t s = 0; s < 50; s++)
		if (s % 10 != 9)
			sum[s % 5 + 1] += lat_of(s);
	n = topfiles_files(tf, 1u << PL_KIND_FILE, f, 8);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f[i].total_ns, sum[f[i].ino]);
		if (i)
			assert_true(f[i - 1].total_ns >= f[i].total_ns);
	}
	assert_int_equal(topfiles_files(tf, 1u << PL_KIND_PIPE, f, 8), 0);
	/* More pushed than the log holds between updates: counted as missed. */
	push(log, 50, 250);
	topfiles_update(tf, log);
	assert_int_equal(topfiles_missed(tf), 150);
	memset(&blk, 0, sizeof(blk));
	blk.type = PL_EV_BLOCK;
	blk.u.blk.dev = 8 << 20;
	blk.u.blk.lat_ns = 5000000;
	blk.u.blk.bytes = 4096;
	strcpy(blk.u.blk.devname, "vda");
	topfiles_add(tf, &blk);
	topfiles_add(tf, &blk);
	assert_int_equal(topfiles_devices(tf, d, 4), 1);
	assert_string_equal(d[0].name, "vda");
	assert_int_equal(d[0].count, 2);
	assert_int_equal(d[0].bytes, 8192);
	topfiles_free(tf);
	eventlog_free(log);
}

static void test_topfiles_prunes_smallest(void **state)
{
	struct topfiles *tf = topfiles_new(16);
	struct topfile f[4];
	struct pl_event ev;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_WRITE;
	ev.kind = PL_KIND_FILE;
	for (uint64_t i = 1; i <= 200; i++) {
		ev.u.io.ino = i;
		ev.u.io.lat_ns = i == 7 ? 1000000000ull : i; /* one heavy hitter */
		snprintf(ev.u.io.file, sizeof(ev.u.io.file), "/file%llu", (unsigned long long)i);
		topfiles_add(tf, &ev);
	}
	assert_true(topfiles_pruned(tf) > 0);
	assert_int_equal(topfiles_files(tf, PL_KINDS_ALL, f, 4), 4);
	assert_int_equal(f[0].ino, 7);                  /* heavy hitters stay */
	assert_string_equal(f[0].name, "/file7");
	topfiles_free(tf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evscan_matches_bruteforce),
		cmocka_unit_test(test_evscan_horizon_and_budget),
		cmocka_unit_test(test_evscan_cap_keeps_newest),
		cmocka_unit_test(test_evscan_range_and_seek),
		cmocka_unit_test(test_evtopk),
		cmocka_unit_test(test_topfiles),
		cmocka_unit_test(test_topfiles_prunes_smallest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
