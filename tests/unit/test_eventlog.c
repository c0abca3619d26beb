/* Unit tests for the bounded event log (src/store/eventlog.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/eventlog.h"

/* An event that says which push it was: ts_ns = seq, pid = 1000 + seq. */
static struct pl_event seq_ev(uint64_t seq)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = seq;
	ev.pid = (uint32_t)(1000 + seq);
	ev.type = PL_EV_READ;
	ev.u.io.lat_ns = seq * 10;
	return ev;
}

static void push_n(struct eventlog *log, uint64_t from, uint64_t n)
{
	for (uint64_t i = from; i < from + n; i++) {
		struct pl_event ev = seq_ev(i);
		eventlog_push(log, &ev);
	}
}

static void test_new_rejects_zero_cap(void **state)
{
	(void)state;
	errno = 0;
	assert_null(eventlog_new(0));
	assert_int_equal(errno, EINVAL);
	eventlog_free(NULL);
}

static void test_empty(void **state)
{
	(void)state;
	struct eventlog *log = eventlog_new(4);

	assert_non_null(log);
	assert_int_equal(eventlog_count(log), 0);
	assert_int_equal(eventlog_total(log), 0);
	assert_int_equal(eventlog_overwritten(log), 0);
	assert_null(eventlog_get(log, 0));
	eventlog_free(log);
}

static void test_order_newest_first(void **state)
{
	(void)state;
	struct eventlog *log = eventlog_new(8);

	assert_non_null(log);
	push_n(log, 0, 3);
	assert_int_equal(eventlog_count(log), 3);
	assert_int_equal(eventlog_total(log), 3);
	assert_int_equal(eventlog_overwritten(log), 0);
	for (size_t i = 0; i < 3; i++) {
		const struct pl_event *ev = eventlog_get(log, i);
		assert_non_null(ev);
		assert_int_equal(ev->ts_ns, 2 - i);
		assert_int_equal(ev->pid, 1000 + 2 - i);
		assert_int_equal(ev->u.io.lat_ns, (2 - i) * 10);
	}
	assert_null(eventlog_get(log, 3));
	assert_null(eventlog_get(log, SIZE_MAX));
	eventlog_free(log);
}

static void test_wrap_around(void **state)
{
	(void)state;
	struct eventlog *log = eventlog_new(4);

	assert_non_null(log);
	push_n(log, 0, 10);
	assert_int_equal(eventlog_count(log), 4);
	assert_int_equal(eventlog_total(log), 10);
	assert_int_equal(eventlog_overwritten(log), 6);
	/* Only the newest four survive, newest first: 9, 8, 7, 6. */
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(eventlog_get(log, i)->ts_ns, 9 - i);
	assert_null(eventlog_get(log, 4));

	/* Exactly one more lap lands back on the same slot layout. */
	push_n(log, 10, 4);
	assert_int_equal(eventlog_overwritten(log), 10);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(eventlog_get(log, i)->ts_ns, 13 - i);
	eventlog_free(log);
}

static void test_fills_exactly(void **state)
{
	(void)state;
	struct eventlog *log = eventlog_new(3);

	assert_non_null(log);
	push_n(log, 0, 3);
	/* Full but nothing lost yet. */
	assert_int_equal(eventlog_count(log), 3);
	assert_int_equal(eventlog_overwritten(log), 0);
	assert_int_equal(eventlog_get(log, 2)->ts_ns, 0);
	push_n(log, 3, 1);
	assert_int_equal(eventlog_overwritten(log), 1);
	assert_int_equal(eventlog_get(log, 0)->ts_ns, 3);
	assert_int_equal(eventlog_get(log, 2)->ts_ns, 1);
	eventlog_free(log);
}

static void test_cap_one(void **state)
{
	(void)state;
	struct eventlog *log = eventlog_new(1);

	assert_non_null(log);
	push_n(log, 0, 5);
	assert_int_equal(eventlog_count(log), 1);
	assert_int_equal(eventlog_overwritten(log), 4);
	assert_int_equal(eventlog_get(log, 0)->ts_ns, 4);
	assert_null(eventlog_get(log, 1));
	eventlog_free(log);
}

static void test_stores_copies(void **state)
{
	(void)state;
	struct eventlog *log = eventlog_new(2);
	struct pl_event ev = seq_ev(7);

	assert_non_null(log);
	strcpy(ev.comm, "before");
	eventlog_push(log, &ev);
	/* The caller's buffer is reused for the next event; the log keeps its own. */
	strcpy(ev.comm, "after");
	ev.ts_ns = 99;
	assert_string_equal(eventlog_get(log, 0)->comm, "before");
	assert_int_equal(eventlog_get(log, 0)->ts_ns, 7);
	assert_ptr_not_equal(eventlog_get(log, 0), &ev);
	eventlog_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects_zero_cap),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_order_newest_first),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_fills_exactly),
		cmocka_unit_test(test_cap_one),
		cmocka_unit_test(test_stores_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
