/* Unit tests for the ELF symbol table core (src/sym/elfsyms.c): the binary
 * search at its edges, and the normalisation that feeds it, on synthetic
 * arrays; then a real table built from this test binary. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sym/elfsyms.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * first [0x1000,0x1100), gap, mid [0x1200,0x1250), label 0x1300 (zero
 * size: its own address only), gap, last [0x1400,0x1500).
 */
static const struct elfsym table[] = {
	{ 0x1000, 0x100, "first" },
	{ 0x1200, 0x50, "mid" },
	{ 0x1300, 0, "label" },
	{ 0x1400, 0x100, "last" },
};

static const char *find_name(const struct elfsym *v, size_t n, uint64_t addr)
{
	const struct elfsym *s = elfsym_table_find(v, n, addr);
	return s ? s->name : NULL;
}

static void assert_finds(uint64_t addr, const char *name)
{
	const char *got = find_name(table, ARRAY_LEN(table), addr);

	if (!name)
		assert_null(got);
	else
		assert_string_equal(got, name);
}

static void test_empty_table(void **state)
{
	(void)state;
	assert_null(elfsym_table_find(NULL, 0, 0));
	assert_null(elfsym_table_find(table, 0, 0x1000));
}

static void test_below_first(void **state)
{
	(void)state;
	assert_finds(0, NULL);
	assert_finds(0xfff, NULL);
}

static void test_first_symbol_edges(void **state)
{
	(void)state;
	assert_finds(0x1000, "first");
	assert_finds(0x10ff, "first");
	assert_finds(0x1100, NULL); /* one past its end: the gap */
}

static void test_gaps(void **state)
{
	(void)state;
	assert_finds(0x1150, NULL);
	assert_finds(0x11ff, NULL);
	assert_finds(0x1200, "mid");
	assert_finds(0x124f, "mid");
	assert_finds(0x1250, NULL);
	assert_finds(0x13ff, NULL);
}

static void test_zero_size_symbol(void **state)
{
	(void)state;
	assert_finds(0x12ff, NULL);
	assert_finds(0x1300, "label");
	assert_finds(0x1301, NULL);
}

static void test_last_symbol_edges(void **state)
{
	(void)state;
	assert_finds(0x1400, "last");
	assert_finds(0x14ff, "last");
	assert_finds(0x1500, NULL); /* above the last */
	assert_finds(UINT64_MAX, NULL);
}

static void test_single_symbol(void **state)
{
	const struct elfsym one[] = { { 0x10, 0x10, "only" } };

	(void)state;
	assert_null(find_name(one, 1, 0xf));
	assert_string_equal(find_name(one, 1, 0x10), "only");
	assert_string_equal(find_name(one, 1, 0x1f), "only");
	assert_null(find_name(one, 1, 0x20));
}

/* Every address near a boundary of a random table agrees with a linear scan. */
static void test_matches_linear_scan(void **state)
{
	enum { N = 1000 };
	struct elfsym *v = calloc(N, sizeof(*v));
	uint64_t at = 0x400000;

	(void)state;
	assert_non_null(v);
	srand(42);
	for (size_t i = 0; i < N; i++) {
		at += (uint64_t)(rand() % 3) * 16; /* sometimes no gap */
		v[i] = (struct elfsym){ at, (uint64_t)(rand() % 4) * 8, "s" };
		at += v[i].size ? v[i].size : 1;
	}
	for (size_t i = 0; i < N; i++) {
		for (int d = -2; d <= (int)v[i].size + 1; d++) {
			uint64_t addr = v[i].start + (uint64_t)(int64_t)d;
			const struct elfsym *want = NULL;
			for (size_t j = 0; j < N; j++)
				if (addr == v[j].start || addr - v[j].start < v[j].size)
					want = &v[j];
			assert_ptr_equal(elfsym_table_find(v, N, addr), want);
		}
	}
	free(v);
}

/* ---- elfsym_table_build ---- */

#define RAW(start, size, limit, name) { (start), (size), (limit), (name), elfsym_pref((size) != 0, true, false, (name)) }

static size_t build(struct elfsym_raw *raw, size_t n, struct elfsym *out)
{
	return elfsym_table_build(raw, n, out);
}

static void test_build_sorts_and_prefers_aliases(void **state)
{
	struct elfsym_raw raw[] = {
		RAW(0x2000, 0x10, 0, "b"),
		RAW(0x1000, 0x20, 0, "__libc_write"),
		RAW(0x1000, 0x20, 0, "write"),
		RAW(0x1000, 0x20, 0, "__write"),
	};
	struct elfsym out[ARRAY_LEN(raw)];
	size_t n = build(raw, ARRAY_LEN(raw), out);

	(void)state;
	assert_int_equal(n, 2);
	assert_string_equal(out[0].name, "write");
	assert_int_equal(out[0].start, 0x1000);
	assert_int_equal(out[0].size, 0x20);
	assert_string_equal(out[1].name, "b");
}

static void test_build_alias_ties_by_name(void **state)
{
	struct elfsym_raw raw[] = { RAW(0x10, 4, 0, "zeta"), RAW(0x10, 4, 0, "alpha") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(raw, 2, out), 1);
	assert_string_equal(out[0].name, "alpha");
}

static void test_build_label_inside_function_dropped(void **state)
{
	struct elfsym_raw raw[] = { RAW(0x1000, 0x100, 0, "func"), RAW(0x1040, 0, 0, ".Lloop") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(raw, 2, out), 1);
	assert_string_equal(find_name(out, 1, 0x1050), "func");
}

static void test_build_zero_size_stretches_to_next(void **state)
{
	/* _start-like label at 0x100, next symbol at 0x180, section ends 0x400. */
	struct elfsym_raw raw[] = { RAW(0x100, 0, 0x400, "asm_entry"), RAW(0x180, 0x20, 0x400, "next") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(raw, 2, out), 2);
	assert_int_equal(out[0].size, 0x80);
	assert_string_equal(find_name(out, 2, 0x17f), "asm_entry");
	assert_string_equal(find_name(out, 2, 0x180), "next");
}

static void test_build_zero_size_stops_at_section_end(void **state)
{
	/* _init at the end of .init (ends 0x1010); the next symbol is in .text. */
	struct elfsym_raw raw[] = { RAW(0x1000, 0, 0x1010, "_init"), RAW(0x1100, 8, 0x2000, "f") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(raw, 2, out), 2);
	assert_int_equal(out[0].size, 0x10);
	assert_null(find_name(out, 2, 0x1010)); /* the PLT between them */
}

static void test_build_last_zero_size(void **state)
{
	struct elfsym_raw with_limit[] = { RAW(0x10, 4, 0x100, "a"), RAW(0x20, 0, 0x100, "tail") };
	struct elfsym_raw no_limit[] = { RAW(0x10, 4, 0, "a"), RAW(0x20, 0, 0, "tail") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(with_limit, 2, out), 2);
	assert_string_equal(find_name(out, 2, 0xff), "tail");
	assert_null(find_name(out, 2, 0x100));
	/* Nothing bounds it: only its own address. */
	assert_int_equal(build(no_limit, 2, out), 2);
	assert_int_equal(out[1].size, 0);
	assert_string_equal(find_name(out, 2, 0x20), "tail");
	assert_null(find_name(out, 2, 0x21));
}

static void test_build_nested_sized_clips_outer(void **state)
{
	struct elfsym_raw raw[] = { RAW(0x100, 0x100, 0, "outer"), RAW(0x180, 0x10, 0, "inner") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(raw, 2, out), 2);
	assert_string_equal(find_name(out, 2, 0x17f), "outer");
	assert_string_equal(find_name(out, 2, 0x185), "inner");
	assert_null(find_name(out, 2, 0x1a0)); /* outer's tail: not claimed any more */
}

static void test_build_sized_alias_beats_zero_size(void **state)
{
	struct elfsym_raw raw[] = { RAW(0x100, 0, 0, "aaa_label"), RAW(0x100, 0x40, 0, "zzz_func") };
	struct elfsym out[2];

	(void)state;
	assert_int_equal(build(raw, 2, out), 1);
	assert_string_equal(out[0].name, "zzz_func");
	assert_int_equal(out[0].size, 0x40);
}

static void test_pref_order(void **state)
{
	(void)state;
	assert_true(elfsym_pref(true, true, false, "write") < elfsym_pref(true, true, false, "__write"));
	assert_true(elfsym_pref(true, true, true, "a") > elfsym_pref(true, true, false, "__a"));
	assert_true(elfsym_pref(true, false, false, "a") > elfsym_pref(true, true, true, "a"));
	assert_true(elfsym_pref(false, true, false, "a") > elfsym_pref(true, false, true, "__a"));
}

/* ---- a real file ---- */

int sym_table_test_marker(int x);
int sym_table_test_marker(int x)
{
	return x * 3 + 1;
}

static void test_real_binary_table(void **state)
{
	struct elfsyms *m = elfsyms_open("/proc/self/exe");
	const struct elfsym *v;
	size_t n;
	bool seen = false;

	(void)state;
	assert_non_null(m);
	n = elfsyms_count(m);
	v = elfsyms_table(m);
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(v[i - 1].start + v[i - 1].size <= v[i].start);
		seen |= strcmp(v[i].name, "sym_table_test_marker") == 0;
		if (strcmp(v[i].name, "sym_table_test_marker") == 0)
			assert_ptr_equal(elfsyms_find(m, v[i].start + v[i].size - 1), &v[i]);
	}
	assert_true(seen);
	elfsyms_free(m);
	errno = 0;
	assert_null(elfsyms_open("tests/fixtures/sym/kallsyms")); /* not ELF */
	assert_int_equal(errno, ENOEXEC);
	elfsyms_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_below_first),
		cmocka_unit_test(test_first_symbol_edges),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_zero_size_symbol),
		cmocka_unit_test(test_last_symbol_edges),
		cmocka_unit_test(test_single_symbol),
		cmocka_unit_test(test_matches_linear_scan),
		cmocka_unit_test(test_build_sorts_and_prefers_aliases),
		cmocka_unit_test(test_build_alias_ties_by_name),
		cmocka_unit_test(test_build_label_inside_function_dropped),
		cmocka_unit_test(test_build_zero_size_stretches_to_next),
		cmocka_unit_test(test_build_zero_size_stops_at_section_end),
		cmocka_unit_test(test_build_last_zero_size),
		cmocka_unit_test(test_build_nested_sized_clips_outer),
		cmocka_unit_test(test_build_sized_alias_beats_zero_size),
		cmocka_unit_test(test_pref_order),
		cmocka_unit_test(test_real_binary_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
