/* Unit tests for process address resolution (src/sym/usym.c): this test
 * binary's own functions and libc through /proc/self/maps, a stripped copy
 * checked against eu-addr2line, and a fixture maps file
 * (tests/fixtures/sym/proc/4242/maps) for special and unreadable mappings. */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sym/elfsyms.h"
#include "sym/usym.h"
#include "sym/vdso.h"

/* The runner starts tests in the repository root. */
#define FIXTURE_PROC "tests/fixtures/sym/proc"
#define FIXTURE_PID 4242

struct ctx {
	struct usym *u;
	char tmp[64];        /* a scratch procfs root */
	char exe[PATH_MAX];  /* this binary (not /proc/self/exe: children see their own) */
	char exe_name[256];  /* its basename */
};

/* Targets: not inlined, not merged, long enough to aim inside. */
int usym_test_target(int x);
__attribute__((noinline)) int usym_test_target(int x)
{
	volatile int acc = x;

	for (int i = 0; i < 8; i++)
		acc = acc * 31 + i;
	return acc;
}

static uint64_t addr_of(int (*fn)(int))
{
	return (uint64_t)(uintptr_t)fn;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	ssize_t len = c ? readlink("/proc/self/exe", c->exe, sizeof(c->exe) - 1) : -1;

	if (len <= 0)
		return -1;
	c->exe[len] = '\0';
	snprintf(c->exe_name, sizeof(c->exe_name), "%s", strrchr(c->exe, '/') + 1);
	snprintf(c->tmp, sizeof(c->tmp), "/tmp/test_sym_usym.XXXXXX");
	if (!mkdtemp(c->tmp))
		return -1;
	c->u = usym_new(8, 4);
	*state = c;
	return c->u ? 0 : -1;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char cmd[128];

	usym_free(c->u);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->tmp);
	if (system(cmd) != 0)
		return -1;
	free(c);
	return 0;
}

static int self_snapshot(struct ctx *c)
{
	return usym_snapshot(c->u, (uint32_t)getpid(), "/proc");
}

static void test_resolves_own_function(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;
	uint32_t pid = (uint32_t)getpid();

	assert_true(self_snapshot(c) > 1);
	assert_int_equal(usym_resolve(c->u, pid, addr_of(usym_test_target), &f), 0);
	assert_int_equal(f.status, USYM_OK);
	assert_string_equal(f.func, "usym_test_target");
	assert_int_equal(f.offset, 0);
	assert_string_equal(f.module, c->exe_name);
	assert_int_equal(usym_resolve(c->u, pid, addr_of(usym_test_target) + 5, &f), 0);
	assert_string_equal(f.func, "usym_test_target");
	assert_int_equal(f.offset, 5);
}

static void test_line_info_for_own_function(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;

	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), addr_of(usym_test_target) + 5, &f), 0);
	assert_non_null(f.file); /* unit tests build with -g */
	assert_non_null(strstr(f.file, "test_sym_usym.c"));
	assert_true(f.line > 0);
	/* The second answer comes from the cache and is the same. */
	const char *file = f.file;
	int line = f.line;
	struct usym_stats st;
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), addr_of(usym_test_target) + 5, &f), 0);
	assert_ptr_equal(f.file, file);
	assert_int_equal(f.line, line);
	usym_stats(c->u, &st);
	assert_true(st.line_hits >= 1);
}

/* libc's own `write` (dlsym on libc's handle, so sanitizer interceptors
 * of the same name are skipped). */
static uint64_t libc_write(void)
{
	void *h = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	void *w = h ? dlsym(h, "write") : NULL;

	if (h)
		dlclose(h);
	return (uint64_t)(uintptr_t)w;
}

static void test_resolves_libc_function(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;
	uint64_t w = libc_write();

	assert_true(w != 0);
	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), w + 2, &f), 0);
	assert_int_equal(f.status, USYM_OK);
	/* "write" is preferred over its aliases __write and __libc_write. */
	assert_string_equal(f.func, "write");
	assert_int_equal(f.offset, 2);
	assert_string_equal(f.module, "libc.so.6");
}

static void test_not_mapped_and_unknown(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;
	int on_stack = 0;

	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), 0x10, &f), 0);
	assert_int_equal(f.status, USYM_NOT_MAPPED);
	assert_null(f.module);
	/* The stack is mapped, but not executable. */
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), (uint64_t)(uintptr_t)&on_stack, &f), 0);
	assert_int_equal(f.status, USYM_NOT_MAPPED);
	assert_int_equal(usym_resolve(c->u, 0x7fffffff, 0x1000, &f), -ENOENT);
	usym_forget(c->u, (uint32_t)getpid());
	assert_false(usym_known(c->u, (uint32_t)getpid()));
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), addr_of(usym_test_target), &f), -ENOENT);
}

/* The vdso's own [start, end) in /proc/self/maps. */
static bool own_vdso_range(uint64_t *start, uint64_t *end)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "[vdso]") &&
			sscanf(line, "%" SCNx64 "-%" SCNx64, start, end) == 2;
	if (f)
		fclose(f);
	return found;
}

/* The vdso has no file: its image, copied from memory, gives function names. */
static void test_vdso_functions_are_named(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;
	uint64_t vdso = getauxval(AT_SYSINFO_EHDR), start, end;
	const struct elfsym *target = NULL, *tab;
	struct elfsyms *image;
	char path[64];
	int fd;

	if (!vdso || !own_vdso_range(&start, &end))
		skip();
	assert_int_equal(start, vdso);
	/* Where clock_gettime sits in the image, read independently of usym. */
	fd = vdso_image_fd("/proc", (uint32_t)getpid(), start, end);
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	image = elfsyms_open(path);
	assert_non_null(image);
	tab = elfsyms_table(image);
	for (size_t i = 0; i < elfsyms_count(image); i++)
		if (strstr(tab[i].name, "clock_gettime") && !strstr(tab[i].name, "64"))
			target = &tab[i];
	assert_non_null(target);

	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), vdso + target->start + 1, &f), 0);
	assert_int_equal(f.status, USYM_OK);
	assert_string_equal(f.module, "[vdso]");
	assert_non_null(strstr(f.func, "clock_gettime"));
	assert_int_equal(f.offset, 1);
	/* Its headers hold no function: still the module and offset. */
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), vdso + 0x10, &f), 0);
	assert_int_equal(f.status, USYM_NO_SYMBOL);
	assert_int_equal(f.module_off, 0x10);
	elfsyms_free(image);
	close(fd);
}

/* The function eu-addr2line -f names at addr in file; "" when unavailable. */
static void addr2line_func(const char *file, uint64_t addr, char *out, size_t outsz)
{
	char cmd[PATH_MAX + 64];
	FILE *p;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "eu-addr2line -f -e '%s' 0x%llx 2>/dev/null", file,
		 (unsigned long long)addr);
	p = popen(cmd, "r");
	if (!p)
		return;
	if (fgets(out, (int)outsz, p))
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

static bool have_tool(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static void test_module_offset_matches_addr2line(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;
	char name[256];

	if (!have_tool("eu-addr2line"))
		skip();
	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), addr_of(usym_test_target) + 5, &f), 0);
	addr2line_func(c->exe, f.module_off, name, sizeof(name));
	assert_string_equal(name, "usym_test_target");
}

/* The maps line of this process that maps ip. */
static bool own_maps_line(uint64_t ip, char *line, size_t linesz)
{
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, (int)linesz, f)) {
		unsigned long long lo, hi;
		found = sscanf(line, "%llx-%llx", &lo, &hi) == 2 && lo <= ip && ip < hi;
	}
	fclose(f);
	return found;
}

/* Write root/pid/maps with one line: `line` with its path replaced by path. */
static void write_fixture_maps(const char *root, int pid, const char *line, const char *path)
{
	char p[PATH_MAX];
	const char *slash = strchr(line, '/');
	FILE *f;

	snprintf(p, sizeof(p), "%s/%d", root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/maps", root, pid);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_non_null(slash);
	fprintf(f, "%.*s%s\n", (int)(slash - line), line, path);
	fclose(f);
}

/* A stripped copy of this binary, mapped where the real one is: its frames
 * become module+0xOFF, and eu-addr2line on the unstripped binary at OFF
 * names the function the frame came from. */
static void test_stripped_copy_offsets(void **state)
{
	struct ctx *c = *state;
	char line[PATH_MAX + 128], copy[PATH_MAX], cmd[2 * PATH_MAX + 32], name[256];
	uint64_t ip = addr_of(usym_test_target) + 5;
	struct usym_frame f, real;

	if (!have_tool("eu-strip") || !have_tool("eu-addr2line"))
		skip();
	snprintf(copy, sizeof(copy), "%s/stripped-copy", c->tmp);
	snprintf(cmd, sizeof(cmd), "eu-strip -o '%s' '%s'", copy, c->exe);
	assert_int_equal(system(cmd), 0);
	assert_true(own_maps_line(ip, line, sizeof(line)));
	write_fixture_maps(c->tmp, 77, line, copy);

	assert_int_equal(usym_snapshot(c->u, 77, c->tmp), 1);
	assert_int_equal(usym_resolve(c->u, 77, ip, &f), 0);
	assert_int_equal(f.status, USYM_NO_SYMBOL);
	assert_string_equal(f.module, "stripped-copy");
	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_resolve(c->u, (uint32_t)getpid(), ip, &real), 0);
	assert_int_equal(f.module_off, real.module_off);
	addr2line_func(c->exe, f.module_off, name, sizeof(name));
	assert_string_equal(name, "usym_test_target");
}

static void test_fixture_special_mappings(void **state)
{
	struct ctx *c = *state;
	struct usym_frame f;

	/* libgone, the anonymous rwx page, [vdso], app's r-x segment. */
	assert_int_equal(usym_snapshot(c->u, FIXTURE_PID, FIXTURE_PROC), 4);
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x401010, &f), 0);
	assert_int_equal(f.status, USYM_NO_SYMBOL);
	assert_string_equal(f.module, "app");
	assert_int_equal(f.module_off, 0x1010); /* unreadable: file offset */
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x7f0000000010, &f), 0);
	assert_string_equal(f.module, "libgone.so.1"); /* " (deleted)" dropped */
	assert_int_equal(f.module_off, 0x2010);
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x7f0000100010, &f), 0);
	assert_string_equal(f.module, "[anon]");
	assert_int_equal(f.module_off, 0x10);
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x7ffff7fc1100, &f), 0);
	assert_string_equal(f.module, "[vdso]");
	assert_int_equal(f.module_off, 0x100);
	/* Not executable, or between mappings. */
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x400010, &f), 0);
	assert_int_equal(f.status, USYM_NOT_MAPPED);
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x600010, &f), 0);
	assert_int_equal(f.status, USYM_NOT_MAPPED);
	assert_int_equal(usym_resolve(c->u, FIXTURE_PID, 0x402000, &f), 0);
	assert_int_equal(f.status, USYM_NOT_MAPPED);
}

/* Copy this process's maps to root/pid/maps. */
static void clone_self_maps(const char *root, int pid)
{
	char p[PATH_MAX], cmd[2 * PATH_MAX];

	snprintf(p, sizeof(p), "%s/%d", root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cat /proc/%d/maps > '%s/maps'", (int)getpid(), p);
	assert_int_equal(system(cmd), 0);
}

static void test_exited_process_still_resolves(void **state)
{
	struct ctx *c = *state;
	char p[PATH_MAX];
	struct usym_frame f;

	clone_self_maps(c->tmp, 501);
	assert_true(usym_snapshot(c->u, 501, c->tmp) > 0);
	snprintf(p, sizeof(p), "%s/501/maps", c->tmp);
	assert_int_equal(unlink(p), 0); /* the process is gone */
	assert_int_equal(usym_snapshot(c->u, 501, c->tmp), -ENOENT);
	assert_true(usym_known(c->u, 501));
	assert_int_equal(usym_resolve(c->u, 501, addr_of(usym_test_target), &f), 0);
	assert_string_equal(f.func, "usym_test_target");
}

static void test_tables_shared_between_processes(void **state)
{
	struct ctx *c = *state;
	struct usym_stats before, after;
	struct usym_frame f;

	clone_self_maps(c->tmp, 601);
	clone_self_maps(c->tmp, 602);
	assert_true(usym_snapshot(c->u, 601, c->tmp) > 0);
	usym_stats(c->u, &before);
	assert_true(usym_snapshot(c->u, 602, c->tmp) > 0);
	usym_stats(c->u, &after);
	assert_int_equal(after.module_loads, before.module_loads);
	assert_true(after.module_hits > before.module_hits);
	assert_int_equal(usym_resolve(c->u, 602, libc_write(), &f), 0);
	assert_string_equal(f.module, "libc.so.6");
}

static void test_lru_eviction(void **state)
{
	struct ctx *c = *state;
	struct usym *small = usym_new(2, 1);
	struct usym_frame f;
	struct usym_stats st;

	assert_non_null(small);
	for (int pid = 701; pid <= 703; pid++)
		clone_self_maps(c->tmp, pid);
	assert_true(usym_snapshot(small, 701, c->tmp) > 0);
	assert_true(usym_snapshot(small, 702, c->tmp) > 0);
	/* Touch 701: 702 becomes the least recently used. */
	assert_int_equal(usym_resolve(small, 701, addr_of(usym_test_target), &f), 0);
	assert_true(usym_snapshot(small, 703, c->tmp) > 0);
	assert_true(usym_known(small, 701));
	assert_false(usym_known(small, 702));
	assert_true(usym_known(small, 703));
	usym_stats(small, &st);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.held, 2);
	usym_free(small);
}

static void test_refresh_backs_off(void **state)
{
	struct ctx *c = *state;
	uint32_t pid = (uint32_t)getpid();

	assert_int_equal(usym_refresh(c->u, 0x7fffffff, "/proc"), 0); /* unknown */
	assert_true(self_snapshot(c) > 0);
	assert_int_equal(usym_refresh(c->u, pid, "/proc"), 0); /* just read */
	usleep(USYM_REFRESH_MIN_NS / 1000 + 1000);
	assert_int_equal(usym_refresh(c->u, pid, "/proc"), 1);
	usleep(USYM_REFRESH_MIN_NS / 1000 + 1000);
	assert_int_equal(usym_refresh(c->u, pid, "/proc"), 0); /* the gap doubled */
}

static void test_new_rejects_zero_cap(void **state)
{
	(void)state;
	errno = 0;
	assert_null(usym_new(0, 1));
	assert_int_equal(errno, EINVAL);
	usym_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolves_own_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_info_for_own_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolves_libc_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_mapped_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vdso_functions_are_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_module_offset_matches_addr2line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stripped_copy_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixture_special_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exited_process_still_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tables_shared_between_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_backs_off, setup, teardown),
		cmocka_unit_test(test_new_rejects_zero_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
