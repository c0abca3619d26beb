/* Unit tests for the shared small-file and stat-line helpers
 * (src/sys/readfile.c, src/sys/procstat.c). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/procstat.h"
#include "sys/readfile.h"

/* A temp file of n bytes of 'x' (a '\n' every 64); path into buf. */
static void make_file(char *path, size_t n)
{
	strcpy(path, "/tmp/perflens-readfile-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++) {
		char c = (i % 64 == 63) ? '\n' : 'x';
		assert_int_equal(write(fd, &c, 1), 1);
	}
	close(fd);
}

static void test_readfile_bounds(void **state)
{
	char path[64], buf[101];

	(void)state;
	make_file(path, 100);
	assert_int_equal(readfile(path, buf, sizeof(buf)), 100); /* exactly fits */
	assert_int_equal(strlen(buf), 100);
	assert_int_equal(readfile(path, buf, 100), -EFBIG);    /* one byte short */
	assert_int_equal(strlen(buf), 99);                     /* still terminated */
	assert_int_equal(readfile_once_at(AT_FDCWD, path, buf, 50), 49);
	assert_int_equal(strlen(buf), 49);
	assert_int_equal(readfile(path, buf, 0), -EINVAL);
	unlink(path);
	assert_int_equal(readfile(path, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(readfile_once_at(AT_FDCWD, path, buf, sizeof(buf)), -ENOENT);
}

static void test_readfile_alloc_grows(void **state)
{
	char path[64];
	size_t len = 0;

	(void)state;
	make_file(path, 100000); /* beyond the first 16 KiB buffer */
	char *s = readfile_alloc(path, 1 << 20, &len);
	assert_non_null(s);
	assert_int_equal(len, 100000);
	assert_int_equal(strlen(s), 100000);
	free(s);
	errno = 0;
	assert_null(readfile_alloc(path, 99999, &len));
	assert_int_equal(errno, EFBIG);
	s = readfile_alloc(path, 100000, &len); /* the limit is inclusive */
	assert_non_null(s);
	free(s);
	unlink(path);
	assert_null(readfile_alloc(path, 100, &len));
	assert_int_equal(errno, ENOENT);
	/* A procfs file (size 0 in stat) reads whole too. */
	s = readfile_alloc("/proc/self/mountinfo", 1 << 20, &len);
	assert_non_null(s);
	assert_true(len > 0 && strstr(s, " / ") != NULL);
	free(s);
}

static void test_u64_and_lines(void **state)
{
	const char *p = "18446744073709551615 x", *q = "18446744073709551616", *r = "-1";
	uint64_t v;

	(void)state;
	assert_true(readfile_u64(&p, &v));
	assert_true(v == UINT64_MAX);
	assert_string_equal(p, " x");
	assert_false(readfile_u64(&q, &v)); /* overflow */
	assert_false(readfile_u64(&r, &v));
	assert_string_equal(readfile_skip_blanks(" \t a"), "a");
	assert_string_equal(readfile_next_line("a\nb"), "b");
	assert_string_equal(readfile_next_line("a"), "");
}

static void test_procstat_tricky_comm(void **state)
{
	struct procstat st;
	const char *line = "42 (a) b (c)) R 1 42 42 0 -1 4194304 10 0 0 0 123 45 0 0 -100 -20 "
			   "9 0 777 1000 50 18446744073709551615\n";

	(void)state;
	assert_int_equal(procstat_parse(line, &st), 0);
	assert_string_equal(st.comm, "a) b (c)");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.utime_ticks, 123);
	assert_int_equal(st.stime_ticks, 45);
	assert_int_equal(st.num_threads, 9); /* after negative priority and nice */
	assert_int_equal(procstat_state(line), 'R');
	assert_int_equal(procstat_state("1 (x) D 1"), 'D');
	assert_int_equal(procstat_state("1 (x)"), 0);
	assert_int_equal(procstat_state("garbage"), 0);
	assert_int_equal(procstat_parse("1 (x) S 1 2 3\n", &st), -EINVAL); /* too short */
	assert_int_equal(procstat_parse("no parens", &st), -EINVAL);
}

static void test_procstat_long_comm(void **state)
{
	char line[512], comm[100];
	struct procstat st;

	(void)state;
	memset(comm, 'k', 80);
	comm[80] = '\0';
	snprintf(line, sizeof(line), "7 (%s) I 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0", comm);
	assert_int_equal(procstat_parse(line, &st), 0);
	assert_int_equal(strlen(st.comm), PROCSTAT_COMM_MAX);
	assert_int_equal(st.state, 'I');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readfile_bounds),
		cmocka_unit_test(test_readfile_alloc_grows),
		cmocka_unit_test(test_u64_and_lines),
		cmocka_unit_test(test_procstat_tricky_comm),
		cmocka_unit_test(test_procstat_long_comm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
