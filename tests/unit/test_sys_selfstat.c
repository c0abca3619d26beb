/* Unit tests for perflens' own-cost reader (src/sys/selfstat.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/selfstat.h"

static void test_fixture(void **state)
{
	struct selfstat_sample s;

	(void)state;
	/* comm "perf (lens) ) x": the fields start after the last ')'. */
	assert_int_equal(selfstat_read("tests/fixtures/sys/self", &s), 0);
	assert_int_equal(s.cpu_ticks, 10);
	assert_int_equal(s.threads, 5);
	assert_int_equal(s.rss_bytes, 300 * (uint64_t)sysconf(_SC_PAGESIZE));
	assert_true(s.wall_ns > 0);
	assert_int_equal(selfstat_read("tests/fixtures/sys/nope", &s), -ENOENT);
}

static void test_cpu_pct_math(void **state)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct selfstat_sample a = { .wall_ns = 1000000000ull, .cpu_ticks = 100 };
	struct selfstat_sample b = { .wall_ns = 3000000000ull, .cpu_ticks = 100 + (uint64_t)hz };

	(void)state;
	/* One CPU-second over two wall seconds. */
	assert_float_equal(selfstat_cpu_pct(&a, &b), 50.0, 1e-9);
	/* Two busy threads: above 100% of one vCPU is allowed. */
	b.cpu_ticks = 100 + 4 * (uint64_t)hz;
	assert_float_equal(selfstat_cpu_pct(&a, &b), 200.0, 1e-9);
	/* No time passed, or samples swapped: 0, never negative or NaN. */
	assert_float_equal(selfstat_cpu_pct(&a, &a), 0.0, 1e-9);
	assert_float_equal(selfstat_cpu_pct(&b, &a), 0.0, 1e-9);
}

static void burn_cpu(double seconds)
{
	struct timespec t0, t;
	volatile uint64_t x = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			x += (uint64_t)i;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
}

static void test_real_self(void **state)
{
	struct selfstat_sample a, b;

	(void)state;
	assert_int_equal(selfstat_read(SELFSTAT_DIR, &a), 0);
	burn_cpu(0.2);
	assert_int_equal(selfstat_read(SELFSTAT_DIR, &b), 0);
	double pct = selfstat_cpu_pct(&a, &b);
	print_message("# selfstat: %.1f%% cpu, rss %llu KiB, %u threads\n", pct,
		      (unsigned long long)b.rss_bytes >> 10, b.threads);
	assert_true(pct >= 0.0);
	assert_true(b.cpu_ticks >= a.cpu_ticks);
	assert_true(b.rss_bytes > 0);
	assert_true(b.threads >= 1);
	assert_true(b.wall_ns > a.wall_ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_cpu_pct_math),
		cmocka_unit_test(test_real_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
