/*
 * Unit tests for the TUI's pure widget logic: sparkline and bar scaling,
 * the log2 histogram fold, heat-map bucketing and shading, text fitting
 * with wide and invalid characters, number formats, list scrolling and
 * table layout.  No terminal involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/hist.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/w_bar.h"
#include "ui/w_doc.h"
#include "ui/w_heat.h"
#include "ui/w_list.h"
#include "ui/w_spark.h"

/* ---- sparkline ---- */

static void test_spark_zeros(void **state)
{
	uint64_t v[5] = { 0 };
	uint8_t out[5];

	(void)state;
	memset(out, 0xff, sizeof(out));
	spark_scale(v, 5, SPARK_LEVELS, out);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], 0);
	spark_scale(v, 0, SPARK_LEVELS, out); /* no values: nothing touched */
}

static void test_spark_one_value(void **state)
{
	uint64_t v[4] = { 0, 0, 7, 0 };
	uint8_t out[4];

	(void)state;
	spark_scale(v, 4, SPARK_LEVELS, out);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[2], SPARK_LEVELS - 1); /* the only value is the max */
	assert_int_equal(out[3], 0);
}

static void test_spark_small_stays_visible(void **state)
{
	uint64_t v[3] = { 1, 1000000, 500000 };
	uint8_t out[3];

	(void)state;
	spark_scale(v, 3, SPARK_LEVELS, out);
	assert_int_equal(out[0], 1);                 /* one event is never invisible */
	assert_int_equal(out[1], SPARK_LEVELS - 1);
	assert_in_range(out[2], 4, 5);               /* half way */
}

static void test_spark_huge_values(void **state)
{
	uint64_t v[4] = { UINT64_MAX, UINT64_MAX / 2, 1, UINT64_MAX - 1 };
	uint8_t out[4];

	(void)state;
	spark_scale(v, 4, SPARK_LEVELS, out);
	assert_int_equal(out[0], SPARK_LEVELS - 1);
	assert_in_range(out[1], 4, 5);
	assert_int_equal(out[2], 1);
	assert_int_equal(out[3], SPARK_LEVELS - 1);
	for (int i = 0; i < 4; i++)
		assert_true(out[i] < SPARK_LEVELS);
}

/* ---- bars and the histogram ---- */

static void test_bar_len(void **state)
{
	(void)state;
	assert_int_equal(bar_len(0, 100, 40), 0);
	assert_int_equal(bar_len(5, 0, 40), 0);      /* no scale: nothing */
	assert_int_equal(bar_len(1, 1000000, 40), 1);
	assert_int_equal(bar_len(100, 100, 40), 40);
	assert_int_equal(bar_len(50, 100, 40), 20);
	assert_int_equal(bar_len(200, 100, 40), 40); /* clamped */
	assert_int_equal(bar_len(UINT64_MAX, UINT64_MAX, 40), 40);
	assert_int_equal(bar_len(UINT64_MAX / 2, UINT64_MAX, 40), 19);
	assert_int_equal(bar_len(7, 7, 0), 0);
}

static void test_hist_log2_fold(void **state)
{
	struct hist h;
	uint64_t out[64];
	uint64_t sum = 0;

	(void)state;
	memset(&h, 0, sizeof(h));
	hist_add(&h, 0);
	hist_add(&h, 1);
	hist_add(&h, 1000);          /* 2^9 .. 2^10 */
	hist_add(&h, 1023);
	hist_add(&h, 1024);          /* 2^10 */
	hist_add(&h, 5000000);       /* 2^22 */
	hist_add(&h, UINT64_MAX);    /* top bucket */
	hist_log2(&h, out);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[9], 2);
	assert_int_equal(out[10], 1);
	assert_int_equal(out[22], 1);
	for (int e = 0; e < 64; e++)
		sum += out[e];
	assert_int_equal(sum, 7);    /* nothing lost, the huge one included */
}

/* ---- heat map ---- */

static void test_heat_row(void **state)
{
	(void)state;
	/* Rows start at 2^20 ns (~1 ms); 8 rows up to 2^27. */
	assert_int_equal(heat_row(1u << 20, 20, 8), 0);
	assert_int_equal(heat_row((1u << 21) - 1, 20, 8), 0);
	assert_int_equal(heat_row(1u << 21, 20, 8), 1);
	assert_int_equal(heat_row(3u << 22, 20, 8), 3);
	assert_int_equal(heat_row(5, 20, 8), 0);            /* below: bottom row */
	assert_int_equal(heat_row(0, 20, 8), 0);
	assert_int_equal(heat_row(UINT64_MAX, 20, 8), 7);   /* above: top row */
	assert_int_equal(heat_row(1ull << 40, 20, 0), 0);   /* no rows */
}

static void test_heat_column(void **state)
{
	uint64_t l2[64] = { 0 }, rows[4];

	(void)state;
	l2[3] = 5;   /* below the map */
	l2[10] = 2;
	l2[12] = 1;
	l2[40] = 9;  /* above the map */
	heat_column(l2, 10, 4, rows);
	assert_int_equal(rows[0], 7);
	assert_int_equal(rows[1], 0);
	assert_int_equal(rows[2], 1);
	assert_int_equal(rows[3], 9);
}

static void test_heat_level(void **state)
{
	(void)state;
	assert_int_equal(heat_level(0, 1000, 5), 0);
	assert_int_equal(heat_level(1, 1000, 5), 1);
	assert_int_equal(heat_level(1000, 1000, 5), 4);
	assert_int_equal(heat_level(1, 1, 5), 4);
	assert_int_equal(heat_level(31, 1000, 5), 2);       /* log scale: ~half way */
	assert_int_equal(heat_level(5000, 1000, 5), 4);     /* clamped */
	assert_int_equal(heat_level(UINT64_MAX - 1, UINT64_MAX, 5), 4);
	assert_int_equal(heat_level(5, 10, 1), 0);
}

/* ---- text ---- */

static void test_fit_ascii(void **state)
{
	char buf[64];

	(void)state;
	theme_set_utf8(true);
	assert_int_equal(text_fit(buf, sizeof(buf), "hello", 10), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(text_fit(buf, sizeof(buf), "hello world", 8), 8);
	assert_string_equal(buf, "hello w…");
	assert_int_equal(text_fit(buf, sizeof(buf), "hello", 0), 0);
	assert_string_equal(buf, "");
	assert_int_equal(text_fit(buf, sizeof(buf), NULL, 5), 0);
}

static void test_fit_wide(void **state)
{
	char buf[64];

	(void)state;
	theme_set_utf8(true);
	/* Each CJK character takes two columns. */
	assert_int_equal(text_fit(buf, sizeof(buf), "日本語ファイル", 14), 14);
	assert_int_equal(text_fit(buf, sizeof(buf), "日本語ファイル", 6), 5);
	assert_string_equal(buf, "日本…");
	/* A wide character never straddles the edge. */
	assert_int_equal(text_fit(buf, sizeof(buf), "a日本", 4), 4);
	assert_string_equal(buf, "a日…");
	assert_true(text_width(buf) <= 4);
}

static void test_fit_invalid_and_controls(void **state)
{
	char buf[64];

	(void)state;
	theme_set_utf8(true);
	/* Invalid bytes become U+FFFD (one column each), escapes are defused. */
	text_fit(buf, sizeof(buf), "a\xff" "b", 10);
	assert_string_equal(buf, "a\xef\xbf\xbd" "b");
	text_fit(buf, sizeof(buf), "x\x1b[31mred", 20);
	assert_null(strchr(buf, '\x1b'));
	assert_string_equal(buf, "x^[[31mred");
	text_fit(buf, sizeof(buf), "\xc3", 3); /* truncated sequence */
	assert_string_equal(buf, "\xef\xbf\xbd");
	/* The ellipsis never lands after a half-cut control escape. */
	assert_int_equal(text_fit(buf, sizeof(buf), "\x1b\x1b\x1b", 3), 3);
	assert_true(text_width(buf) <= 3);
}

static void test_fit_ascii_fallback(void **state)
{
	char buf[64];

	(void)state;
	theme_set_utf8(false);
	assert_int_equal(text_fit(buf, sizeof(buf), "日本 x", 10), 4);
	assert_string_equal(buf, "?? x");
	assert_int_equal(text_fit(buf, sizeof(buf), "abcdefgh", 5), 5);
	assert_string_equal(buf, "abcd~");
	for (const char *p = buf; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	theme_set_utf8(true);
}

static void test_fit_left(void **state)
{
	char buf[64];

	(void)state;
	theme_set_utf8(true);
	assert_int_equal(text_fit_left(buf, sizeof(buf), "/var/lib/data/file.db", 12), 12);
	assert_string_equal(buf, "…ata/file.db");
	assert_int_equal(text_fit_left(buf, sizeof(buf), "/tmp/x", 12), 6);
	assert_string_equal(buf, "/tmp/x");
	/* Cutting a wide character in half is not allowed: 4 of 5 columns. */
	assert_int_equal(text_fit_left(buf, sizeof(buf), "/日本/語", 5), 4);
	assert_string_equal(buf, "…/語");
}

static void test_formats(void **state)
{
	char b[32];

	(void)state;
	theme_set_utf8(false);
	fmt_dur(b, sizeof(b), 873);
	assert_string_equal(b, "873ns");
	fmt_dur(b, sizeof(b), 12300);
	assert_string_equal(b, "12.3us");
	fmt_dur(b, sizeof(b), 5120000);
	assert_string_equal(b, "5.12ms");
	fmt_dur(b, sizeof(b), 1200000000ull);
	assert_string_equal(b, "1.20s");
	fmt_dur(b, sizeof(b), 123000000000ull);
	assert_string_equal(b, "2m03s");
	fmt_dur(b, sizeof(b), UINT64_MAX);
	assert_true(strlen(b) > 0);
	fmt_bytes(b, sizeof(b), 512);
	assert_string_equal(b, "512");
	fmt_bytes(b, sizeof(b), 4096);
	assert_string_equal(b, "4.0K");
	fmt_bytes(b, sizeof(b), 12u << 20);
	assert_string_equal(b, "12M");
	fmt_count(b, sizeof(b), 999);
	assert_string_equal(b, "999");
	fmt_count(b, sizeof(b), 1234);
	assert_string_equal(b, "1.2k");
	fmt_count(b, sizeof(b), UINT64_MAX);
	assert_true(strlen(b) > 0);
	theme_set_utf8(true);
}

/* ---- list and table ---- */

static void test_list_scrolling(void **state)
{
	struct list_state ls = { 0 };

	(void)state;
	list_fit(&ls, 100, 10);
	list_move(&ls, 15, 10);
	assert_int_equal(ls.sel, 15);
	assert_int_equal(ls.top, 6);              /* the selection is on screen */
	list_move(&ls, -100, 10);
	assert_int_equal(ls.sel, 0);
	assert_int_equal(ls.top, 0);
	list_move(&ls, 1000, 10);
	assert_int_equal(ls.sel, 99);
	assert_int_equal(ls.top, 90);
	list_fit(&ls, 20, 10);                    /* the list shrank */
	assert_int_equal(ls.sel, 19);
	assert_int_equal(ls.top, 10);
	list_fit(&ls, 0, 10);
	assert_int_equal(ls.sel, 0);
	list_move(&ls, 1, 10);                    /* empty: nothing moves */
	assert_int_equal(ls.sel, 0);
	list_fit(&ls, 50, 10);
	assert_true(list_click(&ls, 3, 10));
	assert_int_equal(ls.sel, 3);
	assert_false(list_click(&ls, 11, 10));
	list_scroll(&ls, 30, 10);
	assert_int_equal(ls.top, 30);
	assert_int_equal(ls.sel, 30);             /* pulled along */
}

static void test_table_layout(void **state)
{
	struct column c[4] = {
		{ "A", 10, 9, false, false, 0, 0 },
		{ "B", 10, 1, false, false, 0, 0 },
		{ "C", 10, 5, true, false, 0, 0 },
		{ "F", 8, 9, false, true, 0, 0 },
	};

	(void)state;
	table_layout(c, 4, 80);
	assert_int_equal(c[0].x, 0);
	assert_int_equal(c[1].x, 11);
	assert_int_equal(c[3].w, 80 - 33);        /* the flex column takes the rest */
	table_layout(c, 4, 35);                   /* too narrow: B (lowest) goes */
	assert_int_equal(c[1].w, 0);
	assert_int_equal(c[2].x, 11);
	assert_int_equal(c[3].w, 35 - 22);
	table_layout(c, 4, 5);                    /* absurd: nothing overflows silently */
	assert_true(c[3].w >= 1);
}

/* Wrapping cuts at the last space within the room, a word longer than the
 * room at room columns, and never inside a UTF-8 character. */
static void test_doc_wrap(void **state)
{
	struct doc d = { 0 };
	char word[64];

	(void)state;
	/* indent 2, width 22: 20 columns of room */
	doc_wrap(&d, R_NORMAL, 2, 22, "the quick brown fox jumps over the lazy dog");
	assert_int_equal(d.n, 3);
	assert_string_equal(d.l[0].text, "  the quick brown fox");
	assert_string_equal(d.l[1].text, "  jumps over the lazy");
	assert_string_equal(d.l[2].text, "  dog");
	doc_free(&d);
	memset(&d, 0, sizeof(d));
	memset(word, 'x', 45);
	word[45] = '\0';
	doc_wrap(&d, R_NORMAL, 0, 20, word);
	assert_int_equal(d.n, 3);
	assert_int_equal(strlen(d.l[0].text), 20);
	assert_int_equal(strlen(d.l[2].text), 5);
	doc_free(&d);
	memset(&d, 0, sizeof(d));
	/* 25 two-byte characters: 20 columns, then 5, each line valid UTF-8 */
	word[0] = '\0';
	for (int i = 0; i < 25; i++)
		strcat(word, "\xc3\xa9");
	doc_wrap(&d, R_NORMAL, 0, 20, word);
	assert_int_equal(d.n, 2);
	assert_int_equal(strlen(d.l[0].text), 40);
	assert_int_equal(strlen(d.l[1].text), 10);
	doc_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_wrap),
		cmocka_unit_test(test_spark_zeros),
		cmocka_unit_test(test_spark_one_value),
		cmocka_unit_test(test_spark_small_stays_visible),
		cmocka_unit_test(test_spark_huge_values),
		cmocka_unit_test(test_bar_len),
		cmocka_unit_test(test_hist_log2_fold),
		cmocka_unit_test(test_heat_row),
		cmocka_unit_test(test_heat_column),
		cmocka_unit_test(test_heat_level),
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_wide),
		cmocka_unit_test(test_fit_invalid_and_controls),
		cmocka_unit_test(test_fit_ascii_fallback),
		cmocka_unit_test(test_fit_left),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_list_scrolling),
		cmocka_unit_test(test_table_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
