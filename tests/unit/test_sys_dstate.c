/* Unit tests for the D-state scan (src/sys/dstate.c) on a fake /proc. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/dstate.h"

#define FIX "tests/fixtures/sys/proc"

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct dstate_result));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_fixture_counts(void **state)
{
	struct dstate_result *r = *state;

	assert_int_equal(dstate_scan(FIX, r), 0);
	/* 101 and 102 of process 100 and the kworker 200; thread 103's comm
	 * "x) D (y" must not count; 104 exited (no stat); 400 has no task dir. */
	assert_int_equal(r->total, 3);
	assert_int_equal(r->procs_with_d, 2);
	assert_int_equal(r->nprocs, 2);
	assert_int_equal(r->tasks_scanned, 6);
	assert_int_equal(r->procs[0].pid, 100);
	assert_int_equal(r->procs[0].count, 2);
	assert_string_equal(r->procs[0].comm, "web (srv) x)");
	assert_int_equal(r->procs[1].pid, 200);
	assert_int_equal(r->procs[1].count, 1);
	assert_string_equal(r->procs[1].comm, "kworker/0:1-events_unbound");
}

static void test_missing_root(void **state)
{
	struct dstate_result *r = *state;

	assert_int_equal(dstate_scan(FIX "/nope", r), -ENOENT);
	assert_int_equal(r->total, 0);
}

static void write_stat(const char *dir, unsigned tid, char st, unsigned nthreads)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%u (t %u) %c 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 %u 0 1 1 1\n", tid, tid, st,
		nthreads);
	fclose(f);
}

/* Process p (1..nproc) gets p % 7 D threads and one sleeping thread. */
static void make_tree(const char *root, unsigned nproc)
{
	char dir[512];

	for (unsigned p = 1; p <= nproc; p++) {
		unsigned pid = p * 100;

		snprintf(dir, sizeof(dir), "%s/%u", root, pid);
		assert_int_equal(mkdir(dir, 0755), 0);
		write_stat(dir, pid, 'S', 1 + p % 7);
		snprintf(dir, sizeof(dir), "%s/%u/task", root, pid);
		assert_int_equal(mkdir(dir, 0755), 0);
		for (unsigned t = 0; t <= p % 7; t++) {
			snprintf(dir, sizeof(dir), "%s/%u/task/%u", root, pid, pid + t);
			assert_int_equal(mkdir(dir, 0755), 0);
			write_stat(dir, pid + t, t ? 'D' : 'S', 1 + p % 7);
		}
	}
}

static void test_bounded_top_by_count(void **state)
{
	struct dstate_result *r = *state;
	char root[] = "/tmp/perflens-dstate-XXXXXX";
	unsigned nproc = 200, want_total = 0, with_d = 0;

	assert_non_null(mkdtemp(root));
	make_tree(root, nproc);
	for (unsigned p = 1; p <= nproc; p++) {
		want_total += p % 7;
		with_d += p % 7 != 0;
	}
	assert_int_equal(dstate_scan(root, r), 0);
	assert_int_equal(r->total, want_total);
	assert_int_equal(r->procs_with_d, with_d);
	assert_int_equal(r->nprocs, DSTATE_MAX_PROCS);
	/* 28 processes have 6 D threads and 28 have 5: the top 64 are those
	 * 56 and 8 with 4, sorted by count. */
	assert_int_equal(r->procs[0].count, 6);
	assert_int_equal(r->procs[27].count, 6);
	assert_int_equal(r->procs[28].count, 5);
	assert_int_equal(r->procs[55].count, 5);
	assert_int_equal(r->procs[56].count, 4);
	assert_int_equal(r->procs[DSTATE_MAX_PROCS - 1].count, 4);
	for (unsigned i = 1; i < r->nprocs; i++)
		assert_true(r->procs[i - 1].count >= r->procs[i].count);
	assert_string_equal(r->procs[0].comm, "t 600");

	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static void test_real_proc_is_fast(void **state)
{
	struct dstate_result *r = *state;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(dstate_scan("/proc", r), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	print_message("# dstate_scan(/proc): %u tasks, %u in D, %.2f ms\n", r->tasks_scanned,
		      r->total, ms);
	assert_true(r->tasks_scanned > 0);
	assert_true(r->total <= r->tasks_scanned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixture_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded_top_by_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_proc_is_fast, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
