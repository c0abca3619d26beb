/* Unit tests for UTF-8 repair, display escaping and column fitting
 * (src/util/sanitize.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/sanitize.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WHOLE ((size_t)-1)
#define FFFD "\xef\xbf\xbd"
#define CANARY 'Z'

struct xform_case {
	const char *in;
	const char *want;
};

typedef size_t (*sanitize_fn)(char *dst, size_t dstsz, const char *src, size_t len);

/* Runs fn with dstsz bytes and checks nothing past dstsz was written. */
static size_t run_bounded(sanitize_fn fn, char *out, size_t dstsz, const char *src, size_t len)
{
	char buf[256];
	size_t n;

	assert_true(dstsz < sizeof(buf));
	memset(buf, CANARY, sizeof(buf));
	n = fn(buf, dstsz, src, len);
	for (size_t i = dstsz; i < sizeof(buf); i++)
		assert_int_equal(buf[i], CANARY);
	if (dstsz) {
		assert_int_equal(strlen(buf), n);
		memcpy(out, buf, n + 1);
	}
	return n;
}

static void check_cases(sanitize_fn fn, const struct xform_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char out[200];
		size_t len = run_bounded(fn, out, sizeof(out) - 1, c[i].in, WHOLE);

		if (strcmp(out, c[i].want))
			fail_msg("case %zu: got \"%s\" want \"%s\"", i, out, c[i].want);
		assert_int_equal(len, strlen(c[i].want));
	}
}

static void test_utf8_invalid(void **state)
{
	static const struct xform_case cases[] = {
		{ "plain ascii", "plain ascii" },
		{ "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80" },
		{ "\x80", FFFD },			    /* lone continuation */
		{ "a\xbf" "b", "a" FFFD "b" },
		{ "\xc0\x80", FFFD FFFD },		    /* overlong NUL */
		{ "\xc1\xbf", FFFD FFFD },		    /* overlong '?' */
		{ "\xe0\x80\xaf", FFFD FFFD FFFD },	    /* overlong '/' */
		{ "\xf0\x82\x82\xac", FFFD FFFD FFFD FFFD }, /* overlong euro */
		{ "\xe2\x82", FFFD FFFD },		    /* truncated at the end */
		{ "\xe2\x82" "A", FFFD FFFD "A" },	    /* truncated mid-string */
		{ "\xed\xa0\x80", FFFD FFFD FFFD },	    /* surrogate D800 */
		{ "\xed\xbf\xbf", FFFD FFFD FFFD },	    /* surrogate DFFF */
		{ "\xed\x9f\xbf", "\xed\x9f\xbf" },	    /* D7FF is fine */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" }, /* U+10FFFF is fine */
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD }, /* > U+10FFFF */
		{ "\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD },
		{ "\xff\xfe", FFFD FFFD },
		{ "\x1b[2J\x7f\xc2\x9b", "\x1b[2J\x7f\xc2\x9b" }, /* controls kept for JSON */
		{ "say \"hi\" it's `x` \\n", "say \"hi\" it's `x` \\n" },
	};

	(void)state;
	check_cases(sanitize_utf8, cases, ARRAY_SIZE(cases));
}

static void test_display_escapes(void **state)
{
	static const struct xform_case cases[] = {
		{ "\x1b[2J\x1b]0;pwn\x07", "^[[2J^[]0;pwn^G" },
		{ "a\tb\nc\r", "a^Ib^Jc^M" },
		{ "del\x7f", "del^?" },
		{ "\x01\x1f", "^A^_" },
		{ "csi\xc2\x9b" "31m", "csi\\x9b31m" }, /* C1 CSI, 8-bit form */
		{ "\xc2\x80\xc2\x9f\xc2\xa0", "\\x80\\x9f\xc2\xa0" },
		{ "\x9b" "31m", FFFD "31m" }, /* a raw C1 byte is invalid UTF-8 */
		{ "say \"hi\" it's 'x' \\", "say \"hi\" it's 'x' \\" },
		{ "\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe6\x96\x87" },
	};

	(void)state;
	check_cases(sanitize_display, cases, ARRAY_SIZE(cases));
}

/* Sanitizing its own output changes nothing, so layers may repeat it. */
/* Bidi overrides would reorder a hostile name on screen: shown as text. */
static void test_display_bidi(void **state)
{
	char out[64];

	(void)state;
	sanitize_display(out, sizeof(out), "x\xe2\x80\xaegnp.exe", (size_t)-1);
	assert_string_equal(out, "x\\u202egnp.exe");
	sanitize_display(out, sizeof(out), "a\xe2\x81\xa6" "b", (size_t)-1); /* U+2066 */
	assert_string_equal(out, "a\\u2066b");
	/* JSON keeps them (json-c escapes nothing here): only drawing changes. */
	sanitize_utf8(out, sizeof(out), "x\xe2\x80\xaey", (size_t)-1);
	assert_string_equal(out, "x\xe2\x80\xaey");
}

static void test_display_fixed_point(void **state)
{
	static const char *const inputs[] = {
		"\x1b[2J\x1b]0;pwn\x07",
		"\xc2\x9b\x80\xed\xa0\x80^[\\x9b",
		"\xe2\x82",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
		char once[128], twice[128];

		sanitize_display(once, sizeof(once), inputs[i], WHOLE);
		sanitize_display(twice, sizeof(twice), once, WHOLE);
		assert_string_equal(once, twice);
	}
}

/* len bounds the input, and the first NUL ends it (NUL-padded comm). */
static void test_len(void **state)
{
	static const char comm[16] = "bash\0\0\0\0\0\0\0\0\0\0\0";
	char out[32];

	(void)state;
	assert_int_equal(run_bounded(sanitize_utf8, out, sizeof(out), "abcdef", 3), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(run_bounded(sanitize_utf8, out, sizeof(out), comm, sizeof(comm)), 4);
	assert_string_equal(out, "bash");
	/* A character cut by len is invalid, even though the bytes go on. */
	run_bounded(sanitize_utf8, out, sizeof(out), "\xc3\xa9", 1);
	assert_string_equal(out, FFFD);
	run_bounded(sanitize_display, out, sizeof(out), "a\x1b", 2);
	assert_string_equal(out, "a^[");
	assert_int_equal(run_bounded(sanitize_utf8, out, sizeof(out), NULL, WHOLE), 0);
	assert_string_equal(out, "");
}

struct tiny_case {
	sanitize_fn fn;
	const char *in;
	size_t dstsz;
	const char *want;
};

static void test_tiny_buffers(void **state)
{
	static const struct tiny_case cases[] = {
		{ sanitize_utf8, "\xc3\xa9", 1, "" },
		{ sanitize_utf8, "\xc3\xa9", 2, "" }, /* 2-byte char, 1 byte of room */
		{ sanitize_utf8, "\xc3\xa9", 3, "\xc3\xa9" },
		{ sanitize_utf8, "a\xc3\xa9", 2, "a" },
		{ sanitize_utf8, "a\xc3\xa9", 3, "a" },
		{ sanitize_utf8, "a\xc3\xa9", 4, "a\xc3\xa9" },
		{ sanitize_utf8, "\xe4\xb8\xad", 3, "" },
		{ sanitize_utf8, "\xe4\xb8\xad", 4, "\xe4\xb8\xad" },
		{ sanitize_utf8, "\x80", 3, "" }, /* U+FFFD needs 3 bytes */
		{ sanitize_utf8, "\x80", 4, FFFD },
		{ sanitize_display, "\x1b", 2, "" }, /* "^[" is never cut to "^" */
		{ sanitize_display, "\x1b", 3, "^[" },
		{ sanitize_display, "\xc2\x9b", 4, "" },
		{ sanitize_display, "\xc2\x9b", 5, "\\x9b" },
		{ sanitize_display, "ab", 1, "" },
		{ sanitize_display, "ab", 2, "a" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[16];

		run_bounded(cases[i].fn, out, cases[i].dstsz, cases[i].in, WHOLE);
		if (strcmp(out, cases[i].want))
			fail_msg("case %zu: got \"%s\" want \"%s\"", i, out, cases[i].want);
	}
	/* dstsz 0: nothing written at all. */
	assert_int_equal(run_bounded(sanitize_utf8, NULL, 0, "abc", WHOLE), 0);
	assert_int_equal(sanitize_display(NULL, 10, "abc", WHOLE), 0);
}

struct width_case {
	const char *s;
	int cols;
};

static void test_width(void **state)
{
	static const struct width_case cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "\xe4\xb8\xad\xe6\x96\x87", 4 },	   /* CJK */
		{ "\xed\x95\x9c", 2 },			   /* Hangul syllable */
		{ "\xef\xbc\xa1", 2 },			   /* fullwidth A */
		{ "\xef\xbd\xb1", 1 },			   /* halfwidth katakana */
		{ "\xf0\x9f\x98\x80", 2 },		   /* emoji */
		{ "\xf0\xa0\x80\x80", 2 },		   /* CJK ext B */
		{ "e\xcc\x81", 1 },			   /* e + combining acute */
		{ "a\xe2\x80\x8b" "b", 2 },		   /* zero width space */
		{ "\xe2\x83\x9d", 0 },			   /* combining enclosing circle */
		{ "caf\xc3\xa9", 4 },
		{ "\x1b[0m", 5 },			   /* as drawn after escaping: "^[[0m" */
		{ "\xc2\x9b", 4 },			   /* "\x9b" */
		{ "\x80", 1 },				   /* U+FFFD */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (sanitize_width(cases[i].s) != cases[i].cols)
			fail_msg("case %zu: width %d want %d", i, sanitize_width(cases[i].s),
				 cases[i].cols);
	assert_int_equal(sanitize_width(NULL), 0);
}

struct fit_case {
	const char *s;
	int cols;
	size_t dstsz;
	const char *want;
	int used;
};

static void test_fit(void **state)
{
	static const struct fit_case cases[] = {
		{ "hello", 3, 16, "hel", 3 },
		{ "hello", 10, 16, "hello", 5 },
		{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 3, 16, "\xe4\xb8\xad", 2 }, /* wide at edge */
		{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, 16, "\xe4\xb8\xad\xe6\x96\x87", 4 },
		{ "a\xe4\xb8\xad", 2, 16, "a", 1 },
		{ "a\xe4\xb8\xad", 3, 16, "a\xe4\xb8\xad", 3 },
		{ "e\xcc\x81x", 1, 16, "e\xcc\x81", 1 }, /* the mark stays with its base */
		{ "\xe4\xb8\xad\xe6\x96\x87", 10, 4, "\xe4\xb8\xad", 2 }, /* bytes run out first */
		{ "\xe4\xb8\xad", 1, 16, "", 0 },
		{ "abc", 0, 16, "", 0 },
		{ "\xcc\x81" "abc", 0, 16, "", 0 },
		{ "abc", -5, 16, "", 0 },
		{ "\x1b[2Jx", 3, 16, "^[[", 3 }, /* unsanitized input is escaped too */
		{ "\x1b[2Jx", 1, 16, "", 0 },	  /* "^[" is never cut to "^" */
		{ "\xc3", 5, 16, FFFD, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[32];
		int used;

		memset(buf, CANARY, sizeof(buf));
		used = sanitize_fit(buf, cases[i].dstsz, cases[i].s, cases[i].cols);
		for (size_t j = cases[i].dstsz; j < sizeof(buf); j++)
			assert_int_equal(buf[j], CANARY);
		if (strcmp(buf, cases[i].want) || used != cases[i].used)
			fail_msg("case %zu: got \"%s\"/%d want \"%s\"/%d", i, buf, used,
				 cases[i].want, cases[i].used);
		assert_int_equal(sanitize_width(buf), used);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_invalid),   cmocka_unit_test(test_display_escapes),
		cmocka_unit_test(test_display_fixed_point), cmocka_unit_test(test_len),
		cmocka_unit_test(test_tiny_buffers),   cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),            cmocka_unit_test(test_display_bidi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
