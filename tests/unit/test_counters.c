/* Unit tests for the per-process counter ratios and their formatting
 * (src/query/counters.c): zero cycles, multiplex scaling, the JSON row. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "out/json_counters.h"
#include "query/counters.h"

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-6)

static struct pl_pmc_counts counts(uint64_t cyc, uint64_t ins, uint64_t ref, uint64_t miss,
				   uint64_t en, uint64_t run_a, uint64_t run_b)
{
	struct pl_pmc_counts c = {
		.count = { cyc, ins, ref, miss },
		.enabled_ns = { en, en },
		.running_ns = { run_a, run_b },
	};

	return c;
}

static void test_full_time(void **state)
{
	struct pl_pmc_counts c = counts(1000, 2500, 400, 10, 5000, 5000, 5000);
	struct counter_ratios r;
	char buf[96];

	(void)state;
	counter_ratios(&c, &r);
	assert_true(r.has_ipc);
	assert_near(r.ipc, 2.5);
	assert_true(r.has_miss);
	assert_near(r.miss_pct, 2.5);
	assert_false(r.multiplexed);
	assert_true(r.scaled[PL_PMC_CYCLES] == 1000.0);
	assert_string_equal(counter_fmt_ipc(&r, buf, sizeof(buf)), "2.50");
	assert_string_equal(counter_fmt_miss(&r, buf, sizeof(buf)), "2.5%");
	assert_string_equal(counter_fmt_line(&r, buf, sizeof(buf)), "IPC 2.50  cache-miss 2.5%");
}

static void test_zero_cycles_and_references(void **state)
{
	/* A process that never ran while counted: no ratio, not 0 and not inf. */
	struct pl_pmc_counts c = counts(0, 0, 0, 0, 0, 0, 0);
	struct counter_ratios r;
	char buf[96];

	(void)state;
	counter_ratios(&c, &r);
	assert_false(r.has_ipc);
	assert_false(r.has_miss);
	assert_false(r.multiplexed);
	assert_string_equal(counter_fmt_ipc(&r, buf, sizeof(buf)), "-");
	assert_string_equal(counter_fmt_miss(&r, buf, sizeof(buf)), "-");
	assert_string_equal(counter_fmt_line(&r, buf, sizeof(buf)), "IPC -  cache-miss -");
	/* Misses without references (cannot happen in one group, but never divide by 0). */
	c = counts(10, 5, 0, 3, 100, 100, 100);
	counter_ratios(&c, &r);
	assert_true(r.has_ipc);
	assert_false(r.has_miss);
}

static void test_multiplex_scaling(void **state)
{
	/* Group A counted a quarter of the time, group B half: totals scale by 4
	 * and 2; the ratios use one group's raw counts, so they do not move. */
	struct pl_pmc_counts c = counts(1000, 500, 300, 30, 8000, 2000, 4000);
	struct counter_ratios r;
	char buf[96];

	(void)state;
	counter_ratios(&c, &r);
	assert_true(r.multiplexed);
	assert_near(r.counted_pct, 25.0);
	assert_near(r.scaled[PL_PMC_CYCLES], 4000.0);
	assert_near(r.scaled[PL_PMC_INSTRUCTIONS], 2000.0);
	assert_near(r.scaled[PL_PMC_CACHE_REFS], 600.0);
	assert_near(r.scaled[PL_PMC_CACHE_MISSES], 60.0);
	assert_near(r.ipc, 0.5);
	assert_near(r.miss_pct, 10.0);
	assert_string_equal(counter_fmt_line(&r, buf, sizeof(buf)),
			    "IPC 0.50  cache-miss 10.0%  (counted 25% of the time)");
}

static void test_never_scheduled_group(void **state)
{
	/* Enabled but never running (the PMU was busy all along): the estimate is
	 * unknown, shown as 0 with counted_pct 0, never a division by zero. */
	struct pl_pmc_counts c = counts(0, 0, 0, 0, 1000, 0, 0);
	struct counter_ratios r;

	(void)state;
	counter_ratios(&c, &r);
	assert_true(r.multiplexed);
	assert_true(r.counted_pct == 0.0);
	assert_true(r.scaled[PL_PMC_CYCLES] == 0.0);
	assert_false(r.has_ipc);
}

static void test_json_row(void **state)
{
	struct pl_pmc_counts c = counts(1000, 500, 300, 30, 8000, 2000, 4000);
	json_object *o = json_proc_counters(&c), *v;

	(void)state;
	assert_true(json_object_object_get_ex(o, "cycles", &v));
	assert_int_equal(json_object_get_int64(v), 4000);
	assert_true(json_object_object_get_ex(o, "cache_misses", &v));
	assert_int_equal(json_object_get_int64(v), 60);
	assert_true(json_object_object_get_ex(o, "ipc", &v));
	assert_near(json_object_get_double(v), 0.5);
	assert_true(json_object_object_get_ex(o, "counted_pct", &v));
	assert_near(json_object_get_double(v), 25.0);
	json_object_put(o);
	c = counts(0, 0, 0, 0, 0, 0, 0);
	o = json_proc_counters(&c);
	assert_true(json_object_object_get_ex(o, "ipc", &v));
	assert_null(v); /* undefined, not 0 */
	assert_true(json_object_object_get_ex(o, "cache_miss_pct", &v));
	assert_null(v);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_time),
		cmocka_unit_test(test_zero_cycles_and_references),
		cmocka_unit_test(test_multiplex_scaling),
		cmocka_unit_test(test_never_scheduled_group),
		cmocka_unit_test(test_json_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
