/* Unit tests for errno names, including the kernel's restart codes (src/util/errname.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/errname.h"

static void test_ordinary_errnos_by_name(void **state)
{
	(void)state;
	assert_string_equal(errno_name(EIO), "EIO");
	assert_string_equal(errno_name(EAGAIN), "EAGAIN");
	assert_string_equal(errno_text(EIO), strerror(EIO));
}

static void test_restart_codes_named_and_explained(void **state)
{
	(void)state;
	assert_string_equal(errno_name(512), "ERESTARTSYS");
	assert_string_equal(errno_name(516), "ERESTART_RESTARTBLOCK");
	assert_non_null(strstr(errno_text(512), "signal"));
	assert_non_null(strstr(errno_text(515), "ENOTTY"));
}

static void test_out_of_range_has_no_name(void **state)
{
	(void)state;
	assert_null(errno_name(0));
	assert_null(errno_name(-5));
	assert_null(errno_name(517));
	assert_null(errno_name(100000));
	assert_non_null(errno_text(517)); /* strerror's "Unknown error 517" */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordinary_errnos_by_name),
		cmocka_unit_test(test_restart_codes_named_and_explained),
		cmocka_unit_test(test_out_of_range_has_no_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
