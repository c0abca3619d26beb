/* Unit tests for tree flattening with collapse (ui/w_tree.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/theme.h"
#include "ui/w_tree.h"

/*
 *   0 (key 1)
 *   ├─ 2 (key 5)
 *   │  └─ 4 (key 9)
 *   └─ 1 (key 7)
 *      └─ 3 (key 8)
 *   5 (key 3): a second root whose parent index is out of range
 */
static const struct tree_item items[] = {
	[0] = { TREE_NONE, 1 }, [1] = { 0, 7 }, [2] = { 0, 5 },
	[3] = { 1, 8 },         [4] = { 2, 9 }, [5] = { 99, 3 },
};
#define N (sizeof(items) / sizeof(items[0]))

static bool collapse_set(uint32_t idx, void *arg)
{
	const uint32_t *set = arg;

	for (; *set != TREE_NONE; set++)
		if (*set == idx)
			return true;
	return false;
}

static void test_flatten_order_and_depth(void **state)
{
	struct tree_row rows[N];
	size_t n;

	(void)state;
	n = tree_flatten(items, N, NULL, NULL, rows);
	assert_int_equal(n, N);
	/* Pre-order, siblings by key: 0, 2, 4, 1, 3, then root 5. */
	const uint32_t want[] = { 0, 2, 4, 1, 3, 5 };
	const uint16_t depth[] = { 0, 1, 2, 1, 2, 0 };
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(rows[i].idx, want[i]);
		assert_int_equal(rows[i].depth, depth[i]);
	}
	assert_true(rows[0].flags & TREE_HAS_KIDS);
	assert_false(rows[1].flags & TREE_LAST);   /* 2 has a sibling below */
	assert_true(rows[3].flags & TREE_LAST);    /* 1 is the last child */
	assert_false(rows[2].flags & TREE_HAS_KIDS);
	/* 4 sits under 2, which has a sibling below: a guide at depth 0. */
	assert_true(rows[2].guides & 1);
	assert_false(rows[4].guides & 1);
}

static void test_flatten_collapse(void **state)
{
	struct tree_row rows[N];
	uint32_t set[] = { 2, TREE_NONE };
	size_t n;

	(void)state;
	n = tree_flatten(items, N, collapse_set, set, rows);
	assert_int_equal(n, N - 1);                 /* 4 is hidden */
	assert_int_equal(rows[1].idx, 2);
	assert_true(rows[1].flags & TREE_COLLAPSED);
	assert_int_equal(rows[2].idx, 1);
	/* Collapsing the root hides everything under it. */
	set[0] = 0;
	n = tree_flatten(items, N, collapse_set, set, rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].idx, 0);
	assert_int_equal(rows[1].idx, 5);
	/* A leaf marked collapsed is not "collapsed": it has nothing to hide. */
	set[0] = 4;
	n = tree_flatten(items, N, collapse_set, set, rows);
	assert_int_equal(n, N);
	assert_false(rows[2].flags & TREE_COLLAPSED);
}

static void test_flatten_cycles_and_self(void **state)
{
	/* 0 -> 1 -> 2 -> 0 is a cycle; 3 is its own parent. */
	const struct tree_item cyc[] = { { 2, 0 }, { 0, 1 }, { 1, 2 }, { 3, 3 } };
	struct tree_row rows[4];
	uint8_t seen[4] = { 0 };
	size_t n;

	(void)state;
	n = tree_flatten(cyc, 4, NULL, NULL, rows);
	assert_int_equal(n, 4);                     /* everything, once */
	for (size_t i = 0; i < n; i++) {
		assert_false(seen[rows[i].idx]);
		seen[rows[i].idx] = 1;
	}
	assert_int_equal(tree_flatten(cyc, 0, NULL, NULL, rows), 0);
}

static void test_flatten_deep_chain(void **state)
{
	enum { DEEP = 5000 };
	struct tree_item *it = calloc(DEEP, sizeof(*it));
	struct tree_row *rows = calloc(DEEP, sizeof(*rows));
	char pre[512];

	(void)state;
	assert_non_null(it);
	assert_non_null(rows);
	for (uint32_t i = 0; i < DEEP; i++)
		it[i] = (struct tree_item){ i ? i - 1 : TREE_NONE, i };
	/* No recursion: a chain deeper than any stack frame budget is fine. */
	assert_int_equal(tree_flatten(it, DEEP, NULL, NULL, rows), DEEP);
	assert_int_equal(rows[DEEP - 1].depth, DEEP - 1);
	tree_prefix(&rows[DEEP - 1], 24, pre, sizeof(pre));
	assert_true(strlen(pre) < sizeof(pre));
	free(it);
	free(rows);
}

static void test_prefix(void **state)
{
	struct tree_row rows[N];
	char pre[64];

	(void)state;
	theme_set_utf8(false);
	tree_flatten(items, N, NULL, NULL, rows);
	tree_prefix(&rows[0], 24, pre, sizeof(pre));
	assert_string_equal(pre, "");
	tree_prefix(&rows[1], 24, pre, sizeof(pre)); /* 2: not last */
	assert_string_equal(pre, "|-");
	tree_prefix(&rows[2], 24, pre, sizeof(pre)); /* 4 under 2 */
	assert_string_equal(pre, "| `-");
	tree_prefix(&rows[4], 24, pre, sizeof(pre)); /* 3 under the last child */
	assert_string_equal(pre, "  `-");
	theme_set_utf8(true);
	tree_prefix(&rows[2], 24, pre, sizeof(pre));
	assert_string_equal(pre, "│ └─");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flatten_order_and_depth),
		cmocka_unit_test(test_flatten_collapse),
		cmocka_unit_test(test_flatten_cycles_and_self),
		cmocka_unit_test(test_flatten_deep_chain),
		cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
