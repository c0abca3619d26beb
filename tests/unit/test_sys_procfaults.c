/* Unit tests for the /proc page-fault and context-switch parser
 * (src/sys/procfaults.c): a hostile comm, a short line, missing status lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/procfaults.h"

static const char status[] = "Name:\tx\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t120\n"
			     "nonvoluntary_ctxt_switches:\t7\n";

static void test_parse(void **state)
{
	/* Fields after comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt. */
	const char *stat = "4242 (plh_pmc) R 1 4242 4242 0 -1 4194304 40058 12 3 0 32 27 0 0 20 0 1 0";
	struct procfaults f;

	(void)state;
	assert_int_equal(procfaults_parse(stat, status, &f), 0);
	assert_int_equal(f.minflt, 40058);
	assert_int_equal(f.majflt, 3);
	assert_int_equal(f.ctx_switches, 127);
}

static void test_hostile_comm(void **state)
{
	/* comm may hold ") R 9 9 9" itself: the fields start after the LAST ')'. */
	const char *stat = "77 (a) R 9 9 9 0 0 1 ) S 1 77 77 0 -1 0 500 0 6 0 1 1 0 0 20 0 1 0";
	struct procfaults f;

	(void)state;
	assert_int_equal(procfaults_parse(stat, "", &f), 0);
	assert_int_equal(f.minflt, 500);
	assert_int_equal(f.majflt, 6);
	assert_int_equal(f.ctx_switches, 0); /* status without the lines */
}

static void test_malformed(void **state)
{
	struct procfaults f;

	(void)state;
	assert_int_equal(procfaults_parse("12 (x) R 1 2", status, &f), -EINVAL);
	assert_int_equal(procfaults_parse("no parentheses at all", status, &f), -EINVAL);
	assert_int_equal(procfaults_parse("", "", &f), -EINVAL);
}

static void test_read_self(void **state)
{
	struct procfaults f;

	(void)state;
	assert_int_equal(procfaults_read("/proc", 0x7ffffffe, &f), -ENOENT);
	assert_int_equal(procfaults_read("/proc", (uint32_t)getpid(), &f), 0);
	assert_true(f.minflt > 0); /* a running process has faulted its pages in */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_hostile_comm),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_read_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
