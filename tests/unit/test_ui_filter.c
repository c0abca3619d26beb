/* Unit tests for the display filter (ui/filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/filter.h"

static struct pl_event io(const char *comm, unsigned type, unsigned kind, uint32_t pid,
			  const char *file)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.type = (uint16_t)type;
	ev.kind = (uint8_t)kind;
	ev.pid = ev.tid = pid;
	snprintf(ev.u.io.file, sizeof(ev.u.io.file), "%s", file);
	return ev;
}

static bool m(const char *filter, const struct pl_event *ev)
{
	struct filter f = { 0 };
	char err[128];
	bool r;

	assert_int_equal(filter_parse(&f, filter, err, sizeof(err)), 0);
	r = filter_match_event(&f, ev);
	filter_clear(&f);
	return r;
}

static void test_terms(void **state)
{
	struct pl_event a = io("postgres", PL_EV_READ, PL_KIND_FILE, 42, "/var/lib/pg/base");
	struct pl_event b = io("nginx", PL_EV_WRITE, PL_KIND_SOCKET, 7, "socket:[99]");

	(void)state;
	assert_true(m("", &a));                 /* empty: everything */
	assert_true(m("postgres", &a));          /* bare word: comm ... */
	assert_true(m("lib/pg", &a));            /* ... or file */
	assert_false(m("postgres", &b));
	assert_true(m("POSTGRES", &a));          /* case-insensitive */
	assert_true(m("42", &a));                /* bare number: pid */
	assert_false(m("4", &a));
	assert_true(m("read", &a));              /* bare type */
	assert_false(m("read", &b));
	assert_true(m("socket", &b));            /* bare kind */
	assert_true(m("comm:ngi", &b));
	assert_true(m("type=write kind:socket", &b));
	assert_false(m("type:write kind:file", &b));
	assert_true(m("file:socket:[", &b));
	assert_true(m("pid:7", &b));
	assert_true(m("re:^post.*s$", &a));
	assert_true(m("re:base$", &a));          /* regex on the file too */
	assert_false(m("re:^ngin$", &b));
}

static void test_negation(void **state)
{
	struct pl_event a = io("postgres", PL_EV_READ, PL_KIND_FILE, 42, "/data");
	struct pl_event b = io("bash", PL_EV_READ, PL_KIND_TTY, 1, "/dev/pts/0");

	(void)state;
	assert_false(m("!postgres", &a));
	assert_true(m("!postgres", &b));
	assert_true(m("read !tty", &a));
	assert_false(m("read !tty", &b));
	assert_false(m("!re:^b", &b));
}

static void test_errors(void **state)
{
	struct filter f = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(filter_parse(&f, "re:(unclosed", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "regex"));
	assert_false(filter_active(&f));
	assert_int_equal(filter_parse(&f, "type:teleport", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "pid:12x", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "!", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "a b c d e f g h i", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "a b", err, sizeof(err)), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.src, "a b");
	filter_clear(&f);
	filter_clear(&f);
}

static void test_processes(void **state)
{
	struct filter f = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(filter_parse(&f, "post type:read", err, sizeof(err)), 0);
	assert_true(filter_match_proc(&f, 42, "postgres", NULL)); /* type does not apply */
	assert_true(filter_match_proc(&f, 42, "bash", "bash -c post")); /* args too */
	assert_false(filter_match_proc(&f, 42, "bash", "bash -i"));
	filter_clear(&f);
	assert_int_equal(filter_parse(&f, "!42", err, sizeof(err)), 0);
	assert_false(filter_match_proc(&f, 42, "x", NULL));
	assert_true(filter_match_proc(&f, 43, "x", NULL));
	filter_clear(&f);
}

/* cgroup:ID matches the 64-bit cgroup id events carry (evidence jumps). */
static void test_cgroup(void **state)
{
	struct pl_event a = io("postgres", PL_EV_READ, PL_KIND_FILE, 42, "/var/lib/pg/base");
	struct filter f = { 0 };
	char err[128];

	(void)state;
	a.cgroup_id = 0x100000005ull;
	assert_true(m("cgroup:4294967301", &a));
	assert_false(m("cgroup:5", &a));
	assert_true(m("!cgroup:5", &a));
	assert_int_equal(filter_parse(&f, "cgroup:abc", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cgroup id"));
	/* Not about processes: ignored there. */
	assert_int_equal(filter_parse(&f, "cgroup:5", err, sizeof(err)), 0);
	assert_true(filter_match_proc(&f, 42, "postgres", ""));
	filter_clear(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
