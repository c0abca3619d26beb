/* Unit tests for the namespace pid reader (src/sys/nspid.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/nspid.h"

#define FIX "tests/fixtures/sys/proc"

static void test_fixture_pids(void **state)
{
	(void)state;
	assert_int_equal(nspid_read(FIX, 100), 7);   /* one level down */
	assert_int_equal(nspid_read(FIX, 200), 200); /* not namespaced */
	assert_int_equal(nspid_read(FIX, 300), 1);   /* innermost of three */
	assert_int_equal(nspid_read(FIX, 400), 400); /* kernel without NSpid */
	assert_int_equal(nspid_read(FIX, 999), 0);   /* gone */
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(nspid_parse("Name:\tx\nNSpid:\t10\t20\n"), 20);
	assert_int_equal(nspid_parse("NSpid:\t10"), 10);
	assert_int_equal(nspid_parse("Name:\tx\n"), 0);
	assert_int_equal(nspid_parse("NSpid:\t10\tjunk\n"), 0);
	/* "NStgid" must not be mistaken for NSpid. */
	assert_int_equal(nspid_parse("NStgid:\t5\t6\nNSpid:\t5\t9\n"), 9);
}

static void test_real_self(void **state)
{
	(void)state;
	/* Namespaced or not (CI may run in a container), a live pid has one. */
	assert_true(nspid_read("/proc", (uint32_t)getpid()) != 0);
	/* Above PID_MAX_LIMIT (4194304): never a live process. */
	assert_int_equal(nspid_read("/proc", 4194305), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_pids),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_real_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
