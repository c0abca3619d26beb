/* Unit tests for the PSI reader (src/sys/psi.c) on tests/fixtures/sys/psi. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sys/psi.h"

#define FIX "tests/fixtures/sys/psi"

static void test_new_kernel_cpu_full_zeros(void **state)
{
	struct psi_all a;

	(void)state;
	assert_int_equal(psi_read(FIX "/new", &a), 0);
	assert_float_equal(a.res[PSI_CPU].some_avg10, 21.17, 1e-9);
	assert_int_equal(a.res[PSI_CPU].some_total_us, 27132349);
	/* A "full" line of zeros is present, so full is 0, not absent. */
	assert_float_equal(a.res[PSI_CPU].full_avg10, 0.0, 1e-9);
	assert_int_equal(a.res[PSI_CPU].full_total_us, 0);
	assert_float_equal(a.res[PSI_IO].some_avg10, 1.42, 1e-9);
	assert_float_equal(a.res[PSI_IO].full_avg10, 1.14, 1e-9);
	assert_int_equal(a.res[PSI_IO].full_total_us, 3221819);
	assert_float_equal(a.res[PSI_MEMORY].some_avg10, 0.0, 1e-9);
}

static void test_old_kernel_cpu_without_full(void **state)
{
	struct psi_all a;

	(void)state;
	assert_int_equal(psi_read(FIX "/old", &a), 0);
	assert_float_equal(a.res[PSI_CPU].some_avg10, 5.5, 1e-9);
	assert_int_equal(a.res[PSI_CPU].some_total_us, 1000000);
	assert_float_equal(a.res[PSI_CPU].full_avg10, -1.0, 1e-9);
	assert_int_equal(a.res[PSI_CPU].full_total_us, 0);
	assert_float_equal(a.res[PSI_IO].full_avg10, 0.10, 1e-9);
	/* Largest total and 100.00 both parse. */
	assert_true(a.res[PSI_MEMORY].some_total_us == UINT64_MAX);
	assert_float_equal(a.res[PSI_MEMORY].some_avg10, 100.0, 1e-9);
	assert_float_equal(a.res[PSI_MEMORY].full_avg10, 99.5, 1e-9);
}

static void test_missing_dir_is_enoent(void **state)
{
	struct psi_all a;

	(void)state;
	assert_int_equal(psi_read(FIX "/no-such-dir", &a), -ENOENT);
	/* A file where the directory should be (ENOTDIR) means the same. */
	assert_int_equal(psi_read(FIX "/new/cpu", &a), -ENOENT);
}

static void test_garbage_is_einval(void **state)
{
	struct psi_all a;
	struct psi_sample s;

	(void)state;
	assert_int_equal(psi_read(FIX "/bad", &a), -EINVAL);
	assert_int_equal(psi_parse("", &s), -EINVAL);
	assert_int_equal(psi_parse("full avg10=1.00 avg60=0 avg300=0 total=5\n", &s), -EINVAL);
	assert_int_equal(psi_parse("some avg10=1.00 avg60=0 avg300=0\n", &s), -EINVAL);
	/* No trailing newline, extra unknown keys: still fine. */
	assert_int_equal(psi_parse("some avg10=2.50 avg60=0.00 avg300=0.00 total=7 new=1", &s), 0);
	assert_float_equal(s.some_avg10, 2.5, 1e-9);
	assert_int_equal(s.some_total_us, 7);
}

static void test_rate_from_totals(void **state)
{
	struct psi_sample a = { 0, 0, 1000000, 500000 };
	struct psi_sample b = { 0, 0, 1250000, 600000 };

	(void)state;
	/* 250 ms stalled out of 1 s, 100 ms fully stalled. */
	struct psi_pct p = psi_rate(&a, &b, 1.0);
	assert_float_equal(p.some, 25.0, 1e-9);
	assert_float_equal(p.full, 10.0, 1e-9);
	p = psi_rate(&a, &b, 2.0);
	assert_float_equal(p.some, 12.5, 1e-9);
	/* More stall than wall time (clock skew) is clamped; backwards is 0. */
	p = psi_rate(&a, &b, 0.1);
	assert_float_equal(p.some, 100.0, 1e-9);
	p = psi_rate(&b, &a, 1.0);
	assert_float_equal(p.some, 0.0, 1e-9);
	p = psi_rate(&a, &b, 0.0);
	assert_float_equal(p.some, 0.0, 1e-9);
}

static void test_rate_without_full(void **state)
{
	struct psi_sample a = { 1, -1, 0, 0 };
	struct psi_sample b = { 1, -1, 500000, 0 };

	(void)state;
	struct psi_pct p = psi_rate(&a, &b, 1.0);
	assert_float_equal(p.some, 50.0, 1e-9);
	assert_float_equal(p.full, -1.0, 1e-9);
}

static void test_real_system_if_present(void **state)
{
	struct psi_all a;

	(void)state;
	int err = psi_read(PSI_ROOT, &a);
	if (err == -ENOENT)
		skip();
	assert_int_equal(err, 0);
	for (int r = 0; r < PSI_NR; r++) {
		assert_true(a.res[r].some_avg10 >= 0 && a.res[r].some_avg10 <= 100);
		assert_true(a.res[r].full_avg10 >= -1 && a.res[r].full_avg10 <= 100);
	}
	assert_string_equal(psi_resource_name(PSI_MEMORY), "memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_kernel_cpu_full_zeros),
		cmocka_unit_test(test_old_kernel_cpu_without_full),
		cmocka_unit_test(test_missing_dir_is_enoent),
		cmocka_unit_test(test_garbage_is_einval),
		cmocka_unit_test(test_rate_from_totals),
		cmocka_unit_test(test_rate_without_full),
		cmocka_unit_test(test_real_system_if_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
