/* Unit tests for the symbolizer facade (src/sym/symbolizer.c): the exact
 * frame strings for kernel stacks (fixture tests/fixtures/sym/kallsyms_stack),
 * user stacks of this process and of the fixture process 4242
 * (tests/fixtures/sym/proc), truncation, BPF frame stripping, threads. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sym/symbolizer.h"

/* The runner starts tests in the repository root. */
#define FIXTURE_PROC "tests/fixtures/sym/proc"
#define FIXTURE_KALLSYMS "tests/fixtures/sym/kallsyms_stack"
#define FIXTURE_RESTRICTED "tests/fixtures/sym/kallsyms_restricted"
#define FIXTURE_PID 4242
#define CORE 0xffffffff81000000ull
#define MODS 0xffffffffc0000000ull
#define MAXF 16

struct out {
	char f[MAXF][SYM_FRAME_MAX];
	unsigned n;
};

static int setup(void **state)
{
	*state = symbolizer_new(FIXTURE_PROC, FIXTURE_KALLSYMS);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	symbolizer_free(*state);
	return 0;
}

static void format(struct symbolizer *s, uint32_t pid, bool kernel, const uint64_t *ips,
		   unsigned n, struct out *o)
{
	memset(o, 0, sizeof(*o));
	assert_true(n <= MAXF);
	assert_int_equal(symbolizer_format(s, pid, kernel, ips, n, o->f, &o->n), 0);
}

static void test_kernel_strips_leading_bpf_frames(void **state)
{
	const uint64_t ips[] = {
		MODS + 0x100040,    /* bpf_prog_..._on_switch [bpf] */
		MODS + 0x200000,    /* JIT address kallsyms does not list */
		CORE + 0x100050,   /* bpf_trace_run2 */
		CORE + 0x100120,   /* __bpf_trace_sched_switch */
		CORE + 0x200300,   /* __schedule */
		CORE + 0x200840,   /* schedule */
		CORE + 0x300120,   /* anon_pipe_read */
		CORE + 0x400010,   /* bpf_prog_put: not leading, kept */
		MODS + 0x1033,      /* ext4 */
		0x42,
	};
	struct out o;

	format(*state, 0, true, ips, 10, &o);
	assert_int_equal(o.n, 6);
	assert_string_equal(o.f[0], "__schedule+0x300");
	assert_string_equal(o.f[1], "schedule+0x40");
	assert_string_equal(o.f[2], "anon_pipe_read+0x120");
	assert_string_equal(o.f[3], "bpf_prog_put+0x10");
	assert_string_equal(o.f[4], "ext4_file_read_iter+0x33 [ext4]");
	assert_string_equal(o.f[5], "0x42");
}

static void test_kernel_return_address_at_function_end(void **state)
{
	/* Frame 1 returns to the first byte after a call that ended __schedule:
	 * the call belongs to __schedule, not to schedule. */
	const uint64_t ips[] = { CORE + 0x300010, CORE + 0x200800 };
	struct out o;

	format(*state, 0, true, ips, 2, &o);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.f[0], "anon_pipe_read+0x10");
	assert_string_equal(o.f[1], "__schedule+0x800");
	/* As the first frame (a sampled ip), the same address is schedule. */
	format(*state, 0, true, ips + 1, 1, &o);
	assert_string_equal(o.f[0], "schedule+0x0");
}

static void test_kernel_restricted(void **state)
{
	struct symbolizer *s = symbolizer_new(FIXTURE_PROC, FIXTURE_RESTRICTED);
	const uint64_t ips[] = { CORE + 0x200300 };
	struct out o;

	(void)state;
	assert_non_null(s);
	assert_true(symbolizer_kernel_restricted(s));
	format(s, 0, true, ips, 1, &o);
	assert_string_equal(o.f[0], "0xffffffff81200300");
	symbolizer_free(s);
	assert_false(symbolizer_kernel_restricted(*state));
}

static void test_kernel_without_kallsyms(void **state)
{
	struct symbolizer *s = symbolizer_new(FIXTURE_PROC, "tests/fixtures/sym/none");
	struct symbolizer_stats st;
	const uint64_t ips[] = { CORE };
	struct out o;

	(void)state;
	assert_non_null(s);
	assert_false(symbolizer_kernel_restricted(s));
	format(s, 0, true, ips, 1, &o);
	assert_string_equal(o.f[0], "0xffffffff81000000");
	symbolizer_stats(s, &st);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.kernel_symbols, 0);
	symbolizer_free(s);
}

static void test_user_fixture_frames(void **state)
{
	const uint64_t ips[] = {
		0x401010,          /* app, unreadable: file offset */
		0x7f0000000011,    /* libgone, a return address */
		0x7ffff7fc1100,    /* [vdso] */
		0x600010,          /* heap: the unwinder went astray */
		0x401020,
	};
	struct out o;

	format(*state, FIXTURE_PID, false, ips, 5, &o);
	assert_int_equal(o.n, 4);
	assert_string_equal(o.f[0], "app+0x1010");
	assert_string_equal(o.f[1], "libgone.so.1+0x2011");
	assert_string_equal(o.f[2], "[vdso]+0x100");
	assert_string_equal(o.f[3], "[truncated]");
}

static void test_user_first_frame_unmapped(void **state)
{
	const uint64_t ips[] = { 0x10, 0x401010 };
	struct out o;

	format(*state, FIXTURE_PID, false, ips, 2, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.f[0], "[truncated]");
}

static void test_user_unknown_process(void **state)
{
	const uint64_t ips[] = { 0x401010, 0x7f0000000011 };
	struct out o;

	format(*state, 999999, false, ips, 2, &o);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.f[0], "0x401010");
	assert_string_equal(o.f[1], "0x7f0000000011");
}

int sym_fmt_target(int x);
__attribute__((noinline)) int sym_fmt_target(int x)
{
	volatile int acc = x;

	for (int i = 0; i < 4; i++)
		acc += i * x;
	return acc;
}

static const char *exe_name(void)
{
	static char path[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", path, sizeof(path) - 1);

	assert_true(len > 0);
	path[len] = '\0';
	return strrchr(path, '/') + 1;
}

static void test_user_own_frames(void **state)
{
	struct symbolizer *s = symbolizer_new("/proc", NULL);
	uint64_t target = (uint64_t)(uintptr_t)sym_fmt_target;
	const uint64_t ips[] = { target + 4, target + 9, 0x10, target };
	char want[SYM_FRAME_MAX];
	struct symbolizer_stats st;
	struct out o;

	(void)state;
	assert_non_null(s);
	assert_int_equal(symbolizer_note_pid(s, (uint32_t)getpid()), 0);
	format(s, (uint32_t)getpid(), false, ips, 4, &o);
	assert_int_equal(o.n, 3);
	snprintf(want, sizeof(want), "sym_fmt_target+0x4 (%s) ", exe_name());
	assert_memory_equal(o.f[0], want, strlen(want));
	assert_non_null(strstr(o.f[0], "test_sym_symbolizer.c:"));
	snprintf(want, sizeof(want), "sym_fmt_target+0x9 (%s) ", exe_name());
	assert_memory_equal(o.f[1], want, strlen(want));
	assert_string_equal(o.f[2], "[truncated]");
	symbolizer_stats(s, &st);
	assert_true(st.lookups >= 3);
	assert_true(st.maps_snapshots >= 1);
	assert_true(st.module_loads >= 1);
	assert_int_equal(st.processes, 1);
	symbolizer_forget_pid(s, (uint32_t)getpid());
	symbolizer_stats(s, &st);
	assert_int_equal(st.processes, 0);
	symbolizer_free(s);
}

/* Write root/PID/maps mapping 0x401000 from the file `path`. */
static void write_maps(const char *root, int pid, const char *path)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%d", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/maps", root, pid);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "00401000-00402000 r-xp 00001000 fe:01 100 %s\n", path);
	fclose(f);
}

static void test_note_exec_replaces_snapshot(void **state)
{
	char root[] = "/tmp/test_sym_symbolizer.XXXXXX", cmd[64];
	const uint64_t ips[] = { 0x401010 };
	struct symbolizer *s;
	struct out o;

	(void)state;
	assert_non_null(mkdtemp(root));
	s = symbolizer_new(root, NULL);
	assert_non_null(s);
	write_maps(root, 9, "/nonexistent/bin/before");
	assert_int_equal(symbolizer_note_pid(s, 9), 0);
	write_maps(root, 9, "/nonexistent/bin/after"); /* exec */
	assert_int_equal(symbolizer_note_pid(s, 9), 0);
	format(s, 9, false, ips, 1, &o);
	assert_string_equal(o.f[0], "before+0x1010"); /* known: kept */
	assert_int_equal(symbolizer_note_exec(s, 9), 0);
	format(s, 9, false, ips, 1, &o);
	assert_string_equal(o.f[0], "after+0x1010");
	symbolizer_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_bad_arguments(void **state)
{
	char f[1][SYM_FRAME_MAX];
	unsigned n = 7;
	uint64_t ip = 1;

	assert_int_equal(symbolizer_format(*state, 0, true, &ip, 1, f, NULL), -EINVAL);
	assert_int_equal(symbolizer_format(*state, 0, true, NULL, 1, f, &n), -EINVAL);
	assert_int_equal(symbolizer_format(*state, 0, true, NULL, 0, NULL, &n), 0);
	assert_int_equal(n, 0);
	symbolizer_free(NULL);
}

static void *format_loop(void *arg)
{
	const uint64_t kips[] = { CORE + 0x200300, MODS + 0x1033 };
	const uint64_t uips[] = { 0x401010, 0x7f0000000011 };
	struct out o;

	for (int i = 0; i < 300; i++) {
		if (symbolizer_format(arg, 0, true, kips, 2, o.f, &o.n) != 0 ||
		    strcmp(o.f[1], "ext4_file_read_iter+0x33 [ext4]") != 0)
			return (void *)1;
		if (symbolizer_format(arg, FIXTURE_PID, false, uips, 2, o.f, &o.n) != 0 ||
		    strcmp(o.f[1], "libgone.so.1+0x2011") != 0)
			return (void *)1;
		if (i % 50 == 0)
			symbolizer_forget_pid(arg, FIXTURE_PID);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	void *ret;

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, format_loop, *state), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_null(ret);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_strips_leading_bpf_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_return_address_at_function_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_restricted, setup, teardown),
		cmocka_unit_test(test_kernel_without_kallsyms),
		cmocka_unit_test_setup_teardown(test_user_fixture_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_first_frame_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_unknown_process, setup, teardown),
		cmocka_unit_test(test_user_own_frames),
		cmocka_unit_test(test_note_exec_replaces_snapshot),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
