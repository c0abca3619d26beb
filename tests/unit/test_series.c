/* Unit tests for the bounded time series (src/store/series.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/series.h"

static void push2(struct series *s, int64_t t, double a, double b)
{
	const double v[2] = { a, b };

	assert_int_equal(series_push(s, t, v), 0);
}

static void test_new_rejects_bad_sizes(void **state)
{
	(void)state;
	errno = 0;
	assert_null(series_new(0, 2));
	assert_int_equal(errno, EINVAL);
	assert_null(series_new(4, 0));
	assert_null(series_new(4, SERIES_MAX_FIELDS + 1));
	assert_null(series_new(SIZE_MAX / 2, 2)); /* size overflows */
	series_free(NULL);
}

static void test_empty(void **state)
{
	struct series *s = series_new(3, 2);
	int64_t t = 99;

	(void)state;
	assert_non_null(s);
	assert_int_equal(series_count(s), 0);
	assert_int_equal(series_cap(s), 3);
	assert_int_equal(series_nfields(s), 2);
	assert_null(series_latest(s, &t));
	assert_null(series_get(s, 0, NULL));
	assert_int_equal(t, 99);
	series_free(s);
}

static void test_wrap_around_newest_first(void **state)
{
	struct series *s = series_new(3, 2);
	int64_t t;

	(void)state;
	for (int i = 1; i <= 5; i++)
		push2(s, 100 + i, i, -i);
	/* 5 pushes into 3 slots: 101 and 102 evicted. */
	assert_int_equal(series_count(s), 3);
	for (size_t i = 0; i < 3; i++) {
		const double *v = series_get(s, i, &t);

		assert_non_null(v);
		assert_int_equal(t, 105 - (int64_t)i);
		assert_float_equal(v[0], 5.0 - (double)i, 0);
		assert_float_equal(v[1], -(5.0 - (double)i), 0);
	}
	assert_null(series_get(s, 3, &t));
	assert_float_equal(series_latest(s, &t)[0], 5.0, 0);
	assert_int_equal(t, 105);
	series_free(s);
}

static void test_same_second_replaces_older_refused(void **state)
{
	struct series *s = series_new(4, 2);
	int64_t t;

	(void)state;
	push2(s, 10, 1, 1);
	push2(s, 12, 2, 2); /* gap at 11: no slot, the timestamps tell */
	push2(s, 12, 3, 3); /* same second: replaces */
	assert_int_equal(series_count(s), 2);
	assert_float_equal(series_latest(s, &t)[0], 3.0, 0);
	assert_int_equal(t, 12);
	assert_float_equal(series_get(s, 1, &t)[0], 1.0, 0);
	assert_int_equal(t, 10);
	const double v[2] = { 9, 9 };
	assert_int_equal(series_push(s, 11, v), -EINVAL);
	assert_int_equal(series_count(s), 2);
	series_free(s);
}

static void test_cap_one(void **state)
{
	struct series *s = series_new(1, 1);
	int64_t t;

	(void)state;
	for (int i = 0; i < 10; i++) {
		const double v = i * 1.5;
		assert_int_equal(series_push(s, i, &v), 0);
	}
	assert_int_equal(series_count(s), 1);
	assert_float_equal(series_latest(s, &t)[0], 13.5, 0);
	assert_int_equal(t, 9);
	series_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects_bad_sizes),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_wrap_around_newest_first),
		cmocka_unit_test(test_same_second_replaces_older_refused),
		cmocka_unit_test(test_cap_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
