/* Unit tests for the icicle (flame) layout on folded stacks (ui/w_icicle.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/w_icicle.h"

static struct icicle *parse(const char *s)
{
	return icicle_parse(s, strlen(s));
}

static const struct icicle_box *find(const struct icicle_box *b, size_t n, const char *name,
				     int depth)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].depth == depth && strcmp(b[i].name, name) == 0)
			return &b[i];
	return NULL;
}

/* find(), failing the test when the box is missing. */
static const struct icicle_box *must(const struct icicle_box *b, size_t n, const char *name,
				     int depth)
{
	const struct icicle_box *r = find(b, n, name, depth);

	if (!r) {
		fail_msg("no box %s at depth %d", name, depth);
		abort();
	}
	return r;
}

static void test_merge_and_totals(void **state)
{
	struct icicle *ic = parse("main;read;vfs_read 30\n"
				  "main;read;vfs_read 10\n"
				  "main;write 20\n"
				  "other 40\n");

	(void)state;
	assert_non_null(ic);
	assert_int_equal(icicle_total(ic), 100);
	/* all, main, read, vfs_read, write, other: identical frames merged */
	assert_int_equal(icicle_nodes(ic), 6);
	assert_int_equal(icicle_skipped(ic), 0);
	icicle_free(ic);
}

static void test_layout_widths(void **state)
{
	struct icicle *ic = parse("main;read;vfs_read 30\nmain;read;vfs_read 10\nmain;write 20\n"
				  "other 40\n");
	struct icicle_box b[32];
	size_t n;

	(void)state;
	n = icicle_layout(ic, 0, 100, 10, b, 32);
	assert_int_equal(n, 6);
	assert_int_equal(b[0].depth, 0);          /* the root first, full width */
	assert_int_equal(b[0].w, 100);
	const struct icicle_box *m = must(b, n, "main", 1), *o = must(b, n, "other", 1);
	const struct icicle_box *r = must(b, n, "read", 2), *w = must(b, n, "write", 2);
	/* Siblings sorted by name: main before other. */
	assert_int_equal(m->x, 0);
	assert_int_equal(m->w, 60);
	assert_int_equal(o->x, 60);
	assert_int_equal(o->w, 40);
	assert_int_equal(r->x, 0);
	assert_int_equal(r->w, 40);
	assert_int_equal(w->x, 40);
	assert_int_equal(w->w, 20);
	/* Children never extend past their parent. */
	for (size_t i = 1; i < n; i++)
		assert_true(b[i].x + b[i].w <= 100);
	icicle_free(ic);
}

static void test_layout_drops_narrow_and_limits_depth(void **state)
{
	struct icicle *ic = parse("a;b 999\na;c 1\n");
	struct icicle_box b[8];
	size_t n;

	(void)state;
	n = icicle_layout(ic, 0, 10, 10, b, 8);
	assert_non_null(find(b, n, "b", 2));
	assert_null(find(b, n, "c", 2));          /* 0.01 of a column: dropped */
	n = icicle_layout(ic, 0, 10, 2, b, 8);    /* two rows: root and a */
	assert_int_equal(n, 2);
	assert_int_equal(icicle_layout(ic, 0, 0, 5, b, 8), 0);
	assert_int_equal(icicle_layout(ic, 0, 10, 5, b, 1), 1);
	icicle_free(ic);
}

static void test_zoom(void **state)
{
	struct icicle *ic = parse("a;b;c 5\na;b;d 5\nx 90\n");
	struct icicle_box b[16];
	size_t n = icicle_layout(ic, 0, 100, 10, b, 16);
	uint32_t bnode = must(b, n, "b", 2)->node;

	(void)state;
	assert_int_equal(must(b, n, "b", 2)->w, 10);
	n = icicle_layout(ic, bnode, 100, 10, b, 16);
	assert_string_equal(b[0].name, "b");      /* zoomed node is the new root */
	assert_int_equal(b[0].w, 100);
	assert_int_equal(must(b, n, "c", 1)->w, 50);
	assert_int_equal(must(b, n, "d", 1)->x, 50);
	assert_string_equal(b[0].name, "b");
	assert_int_equal(icicle_parent(ic, icicle_parent(ic, bnode)), 0);
	icicle_free(ic);
}

static void test_malformed_lines(void **state)
{
	struct icicle *ic = parse("no_weight\n"
				  "a;b notanumber\n"
				  "\n"
				  "frame with spaces (lib.so) 7\n"
				  " 5\n"
				  "a;;b 3\n"
				  "a;b 99999999999999999999999\n");

	(void)state;
	assert_non_null(ic);
	assert_int_equal(icicle_total(ic), 10);   /* the spaced frame and a;;b */
	assert_int_equal(icicle_skipped(ic), 4);
	icicle_free(ic);
	ic = icicle_parse("", 0);
	assert_non_null(ic);
	assert_int_equal(icicle_total(ic), 0);
	icicle_free(ic);
}

static void test_many_stacks(void **state)
{
	enum { N = 20000 };
	char *buf = malloc(N * 48);
	size_t len = 0;
	struct icicle *ic;
	struct icicle_box *b = calloc(4096, sizeof(*b));

	(void)state;
	for (int i = 0; i < N; i++)
		len += (size_t)sprintf(buf + len, "main;f%d;g%d 1\n", i % 500, i);
	ic = icicle_parse(buf, len);
	assert_non_null(ic);
	assert_int_equal(icicle_total(ic), N);
	assert_int_equal(icicle_nodes(ic), 1 + 1 + 500 + N);
	assert_true(icicle_layout(ic, 0, 200, 40, b, 4096) >= 2);
	icicle_free(ic);
	free(buf);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_and_totals),
		cmocka_unit_test(test_layout_widths),
		cmocka_unit_test(test_layout_drops_narrow_and_limits_depth),
		cmocka_unit_test(test_zoom),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_many_stacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
