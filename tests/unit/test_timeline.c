/* Unit tests for the per-second timeline (src/store/timeline.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/timeline.h"

static struct pl_event io_ev(unsigned type, unsigned kind, uint64_t lat_ns, int64_t ret)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.kind = (uint8_t)kind;
	ev.u.io.lat_ns = lat_ns;
	ev.u.io.ret = ret;
	ev.u.io.req_bytes = 1u << 20; /* must not be what bytes counts */
	return ev;
}

static struct pl_event blk_ev(uint64_t lat_ns, uint32_t bytes)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_BLOCK;
	ev.kind = PL_KIND_PIPE; /* block ignores kind */
	ev.u.blk.lat_ns = lat_ns;
	ev.u.blk.bytes = bytes;
	return ev;
}

static struct pl_event plain_ev(unsigned type)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	return ev;
}

static int setup(void **state)
{
	*state = timeline_new(5);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	timeline_free(*state);
	return 0;
}

static void test_new_rejects_zero_window(void **state)
{
	(void)state;
	errno = 0;
	assert_null(timeline_new(0));
	assert_int_equal(errno, EINVAL);
	timeline_free(NULL);
}

static void test_empty(void **state)
{
	struct timeline *tl = *state;

	assert_int_equal(timeline_window(tl), 5);
	assert_int_equal(timeline_latest(tl), -1);
	assert_null(timeline_get(tl, 0));
	assert_null(timeline_get(tl, -1));
	assert_int_equal(timeline_late_dropped(tl), 0);
}

static void test_bucketing(void **state)
{
	struct timeline *tl = *state;
	struct pl_event a = io_ev(PL_EV_READ, PL_KIND_FILE, 100, 4096);
	struct pl_event b = io_ev(PL_EV_READ, PL_KIND_FILE, 300, -5); /* error: no bytes */
	struct pl_event c = io_ev(PL_EV_WRITE, PL_KIND_PIPE, 7000, 10);

	timeline_add(tl, 10, &a);
	timeline_add(tl, 10, &b);
	timeline_add(tl, 11, &c);
	assert_int_equal(timeline_latest(tl), 11);

	const struct tl_second *s = timeline_get(tl, 10);
	assert_non_null(s);
	assert_int_equal(s->sec, 10);
	const struct tl_cell *cell = tl_second_cell(s, PL_EV_READ, PL_KIND_FILE);
	assert_non_null(cell);
	assert_int_equal(cell->count, 2);
	assert_int_equal(cell->total_ns, 400);
	assert_int_equal(cell->max_ns, 300);
	assert_int_equal(cell->bytes, 4096);
	assert_int_equal(cell->h.count, 2);
	assert_int_equal(cell->h.max, 300);
	/* The write landed in its own second, not in 10. */
	assert_int_equal(tl_second_cell(s, PL_EV_WRITE, PL_KIND_PIPE)->count, 0);

	s = timeline_get(tl, 11);
	assert_non_null(s);
	cell = tl_second_cell(s, PL_EV_WRITE, PL_KIND_PIPE);
	assert_int_equal(cell->count, 1);
	assert_int_equal(cell->bytes, 10);
	assert_int_equal(cell->max_ns, 7000);
	assert_int_equal(tl_second_cell(s, PL_EV_READ, PL_KIND_FILE)->count, 0);

	/* Inside the window but no events there: empty, so NULL. */
	assert_null(timeline_get(tl, 9));
	/* In the future. */
	assert_null(timeline_get(tl, 12));
}

static void test_per_kind_cells(void **state)
{
	struct timeline *tl = *state;
	struct pl_event ev;

	/* One event per (type, kind) with a distinct latency. */
	for (unsigned t = PL_EV_READ; t <= PL_EV_SYNC; t++) {
		for (unsigned k = 0; k < PL_KIND_MAX; k++) {
			ev = io_ev(t, k, 1000 * t + k, (int64_t)(t * 10 + k));
			timeline_add(tl, 3, &ev);
		}
	}
	ev = blk_ev(555, 8192);
	timeline_add(tl, 3, &ev);
	/* A kind the kernel should never send is still counted, as "other". */
	ev = io_ev(PL_EV_READ, 200, 42, 0);
	timeline_add(tl, 3, &ev);

	const struct tl_second *s = timeline_get(tl, 3);
	assert_non_null(s);
	for (unsigned t = PL_EV_READ; t <= PL_EV_SYNC; t++) {
		for (unsigned k = 0; k < PL_KIND_MAX; k++) {
			const struct tl_cell *c = tl_second_cell(s, t, k);
			bool extra = t == PL_EV_READ && k == PL_KIND_OTHER;
			assert_ptr_equal(c, &s->io[t - PL_EV_READ][k]);
			assert_int_equal(c->count, extra ? 2 : 1);
			assert_int_equal(c->max_ns, 1000 * t + k);
			assert_int_equal(c->bytes, t * 10 + k);
		}
	}
	const struct tl_cell *blk = tl_second_cell(s, PL_EV_BLOCK, PL_KIND_FILE);
	assert_ptr_equal(blk, &s->block);
	assert_ptr_equal(tl_second_cell(s, PL_EV_BLOCK, 99), &s->block);
	assert_int_equal(blk->count, 1);
	assert_int_equal(blk->total_ns, 555);
	assert_int_equal(blk->bytes, 8192);
	assert_null(tl_second_cell(s, PL_EV_READ, PL_KIND_MAX));
	assert_null(tl_second_cell(s, PL_EV_FORK, 0));
	assert_null(tl_second_cell(s, PL_EV_SAMPLE, 0));
	assert_null(tl_second_cell(s, 0, 0));
}

static void test_process_counters(void **state)
{
	struct timeline *tl = *state;
	struct pl_event f = plain_ev(PL_EV_FORK), x = plain_ev(PL_EV_EXEC), e = plain_ev(PL_EV_EXIT);

	timeline_add(tl, 0, &f);
	timeline_add(tl, 0, &f);
	timeline_add(tl, 0, &x);
	timeline_add(tl, 0, &e);
	timeline_add(tl, 0, &e);
	timeline_add(tl, 0, &e);
	const struct tl_second *s = timeline_get(tl, 0);
	assert_non_null(s);
	assert_int_equal(s->forks, 2);
	assert_int_equal(s->execs, 1);
	assert_int_equal(s->exits, 3);
	assert_int_equal(s->block.count, 0);
}

static void test_window_eviction(void **state)
{
	struct timeline *tl = *state;
	struct pl_event ev = io_ev(PL_EV_READ, PL_KIND_FILE, 10, 1);

	for (int64_t sec = 0; sec < 5; sec++)
		timeline_add(tl, sec, &ev);
	for (int64_t sec = 0; sec < 5; sec++)
		assert_non_null(timeline_get(tl, sec));

	/* Second 5 reuses second 0's slot: 0 is gone, 5 starts clean. */
	timeline_add(tl, 5, &ev);
	assert_null(timeline_get(tl, 0));
	const struct tl_second *s = timeline_get(tl, 5);
	assert_non_null(s);
	assert_int_equal(tl_second_cell(s, PL_EV_READ, PL_KIND_FILE)->count, 1);
	assert_non_null(timeline_get(tl, 1));

	/* A jump far ahead leaves every old second outside the window. */
	timeline_add(tl, 1000, &ev);
	assert_int_equal(timeline_latest(tl), 1000);
	for (int64_t sec = 0; sec <= 5; sec++)
		assert_null(timeline_get(tl, sec));
	assert_non_null(timeline_get(tl, 1000));
	/* 996 is inside the window and its slot holds stale second 1: empty. */
	assert_null(timeline_get(tl, 996));
	assert_int_equal(timeline_late_dropped(tl), 0);
}

static void test_late_events(void **state)
{
	struct timeline *tl = *state;
	struct pl_event ev = io_ev(PL_EV_SYNC, PL_KIND_FILE, 50, 0);

	timeline_add(tl, 10, &ev);
	/* Late but inside the window [6, 10]: lands in its own second. */
	timeline_add(tl, 7, &ev);
	timeline_add(tl, 6, &ev);
	timeline_add(tl, 6, &ev);
	assert_int_equal(timeline_latest(tl), 10);
	assert_int_equal(tl_second_cell(timeline_get(tl, 7), PL_EV_SYNC, PL_KIND_FILE)->count, 1);
	assert_int_equal(tl_second_cell(timeline_get(tl, 6), PL_EV_SYNC, PL_KIND_FILE)->count, 2);
	assert_int_equal(tl_second_cell(timeline_get(tl, 10), PL_EV_SYNC, PL_KIND_FILE)->count, 1);
	assert_int_equal(timeline_late_dropped(tl), 0);

	/* Older than the window: counted, and never written into a slot. */
	timeline_add(tl, 5, &ev);
	timeline_add(tl, 0, &ev);
	timeline_add(tl, -3, &ev);
	assert_int_equal(timeline_late_dropped(tl), 3);
	assert_null(timeline_get(tl, 5));
	assert_null(timeline_get(tl, 0));
	/* Second 5 shares second 10's slot: 10 must be untouched. */
	assert_int_equal(tl_second_cell(timeline_get(tl, 10), PL_EV_SYNC, PL_KIND_FILE)->count, 1);
	assert_int_equal(timeline_latest(tl), 10);
}

static void test_window_of_one(void **state)
{
	(void)state;
	struct timeline *tl = timeline_new(1);
	struct pl_event ev = blk_ev(9, 512);

	assert_non_null(tl);
	timeline_add(tl, 4, &ev);
	timeline_add(tl, 4, &ev);
	assert_int_equal(timeline_get(tl, 4)->block.count, 2);
	timeline_add(tl, 5, &ev);
	assert_null(timeline_get(tl, 4));
	assert_int_equal(timeline_get(tl, 5)->block.count, 1);
	assert_int_equal(timeline_get(tl, 5)->block.bytes, 512);
	timeline_add(tl, 4, &ev);
	assert_int_equal(timeline_late_dropped(tl), 1);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects_zero_window),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bucketing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_kind_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_process_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_events, setup, teardown),
		cmocka_unit_test(test_window_of_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
