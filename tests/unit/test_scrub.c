/* Unit tests for the secret scrubber (src/util/scrub.c), driven by the
 * corpus in tests/fixtures/scrub_corpus.txt (run from the repo root). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/scrub.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CORPUS "tests/fixtures/scrub_corpus.txt"
#define CORPUS_MIN 40
#define LINE_MAX 1024
#define CANARY 'Z'

/* Decodes \n, \t and \\ in place (the corpus is one case per line). */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && (s[1] == 'n' || s[1] == 't' || s[1] == '\\')) {
			s++;
			*w++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : '\\';
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* One corpus case through both entry points; false (with a message) on any
 * difference. */
static bool corpus_case(int lineno, const char *in, const char *want)
{
	char copy[LINE_MAX], inplace[LINE_MAX];
	int n_copy, n_inplace;

	n_copy = scrub_copy(copy, sizeof(copy), in);
	snprintf(inplace, sizeof(inplace), "%s", in);
	n_inplace = scrub_inplace(inplace);
	if (strcmp(copy, want) || strcmp(inplace, want)) {
		print_error("line %d:\n  in:      %s\n  want:    %s\n  copy:    %s\n  inplace: %s\n",
			    lineno, in, want, copy, inplace);
		return false;
	}
	if (n_copy != n_inplace || (n_copy > 0) != (strcmp(in, want) != 0)) {
		print_error("line %d: counts %d/%d for \"%s\"\n", lineno, n_copy, n_inplace, in);
		return false;
	}
	return true;
}

static void test_corpus(void **state)
{
	char line[LINE_MAX];
	int lineno = 0, cases = 0, failed = 0;
	FILE *f = fopen(CORPUS, "r");

	(void)state;
	if (!f)
		fail_msg("cannot open %s (run from the repo root): %s", CORPUS, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *tab;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (!tab || strchr(tab + 1, '\t')) {
			print_error("line %d: want exactly one TAB\n", lineno);
			failed++;
			continue;
		}
		*tab = '\0';
		unescape(line);
		unescape(tab + 1);
		cases++;
		failed += !corpus_case(lineno, line, tab + 1);
	}
	fclose(f);
	if (failed || cases < CORPUS_MIN)
		fail_msg("%d of %d corpus cases failed (need at least %d cases)", failed, cases,
			 CORPUS_MIN);
}

static void test_literals(void **state)
{
	char buf[128];

	(void)state;
	scrub_reset_literals();
	assert_int_equal(scrub_add_literal("MyConfiguredKey"), 0);
	assert_int_equal(scrub_add_literal("MyConfiguredKey"), 0); /* duplicate: one slot */
	assert_int_equal(scrub_add_literal("abc"), 0);		   /* too short: ignored */
	assert_int_equal(scrub_add_literal(NULL), 0);
	snprintf(buf, sizeof(buf), "x MyConfiguredKeyy, in/MyConfiguredKey/path");
	assert_int_equal(scrub_inplace(buf), 2);
	assert_string_equal(buf, "x ***y, in/***/path");
	snprintf(buf, sizeof(buf), "abc stays");
	assert_int_equal(scrub_inplace(buf), 0);

	for (int i = 1; i < 8; i++) {
		char lit[16];

		snprintf(lit, sizeof(lit), "literal%d", i);
		assert_int_equal(scrub_add_literal(lit), 0);
	}
	assert_int_equal(scrub_add_literal("one-too-many"), -ENOSPC);
	assert_int_equal(scrub_copy(buf, sizeof(buf), "literal7 and literal1"), 2);
	assert_string_equal(buf, "*** and ***");

	scrub_reset_literals();
	assert_int_equal(scrub_copy(buf, sizeof(buf), "literal7 MyConfiguredKey"), 0);
	assert_string_equal(buf, "literal7 MyConfiguredKey");
}

static void test_disabled(void **state)
{
	const char *in = "--password=hunter2 sk-abcdefghijklmnopqrstuvwx";
	char buf[128], small[8];

	(void)state;
	assert_true(scrub_enabled());
	scrub_set_enabled(false);
	assert_false(scrub_enabled());
	snprintf(buf, sizeof(buf), "%s", in);
	assert_int_equal(scrub_inplace(buf), 0);
	assert_string_equal(buf, in);
	assert_int_equal(scrub_copy(buf, sizeof(buf), in), 0);
	assert_string_equal(buf, in);
	assert_int_equal(scrub_copy(small, sizeof(small), in), 0);
	assert_string_equal(small, "--passw");
	scrub_set_enabled(true);
	assert_int_equal(scrub_copy(buf, sizeof(buf), in), 2);
	assert_string_equal(buf, "--password=*** sk-***");
}

/* The last character of s is whole (the inputs here are valid UTF-8). */
static bool tail_complete(const char *s)
{
	size_t n = strlen(s), i = n, need;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == n)
		return i == 0 || (unsigned char)s[i - 1] < 0xc0;
	if (i == 0)
		return false;
	need = (unsigned char)s[i - 1] >= 0xf0 ? 4 : (unsigned char)s[i - 1] >= 0xe0 ? 3 : 2;
	return n - (i - 1) == need;
}

/*
 * Every destination size: nothing past dstsz is touched, the result is
 * NUL-terminated, and no piece of the secret leaks through the cut.
 */
static void test_copy_truncation(void **state)
{
	static const char *const inputs[] = {
		"--password=hunter2xyz tail",
		"key sk-abcdefghijklmnopqrstuvwx tail",
		"https://u:hunter2xyz@host/",
		"caf\xc3\xa9 \xe4\xb8\xad token=hunter2xyz",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
		size_t len = strlen(inputs[i]);

		for (size_t dstsz = 1; dstsz <= len + 1; dstsz++) {
			char buf[128];

			memset(buf, CANARY, sizeof(buf));
			scrub_copy(buf, dstsz, inputs[i]);
			for (size_t j = dstsz; j < sizeof(buf); j++)
				assert_int_equal(buf[j], CANARY);
			assert_true(strlen(buf) < dstsz);
			assert_null(strstr(buf, "hun"));
			assert_null(strstr(buf, "abc"));
			assert_true(tail_complete(buf)); /* never half of "é" or "中" */
		}
	}
	assert_int_equal(scrub_copy(NULL, 10, "x"), 0);
	assert_int_equal(scrub_copy((char[1]){ CANARY }, 0, "x"), 0);
}

/* In place never writes past the original NUL, even with short values and
 * many secrets back to back. */
static void test_inplace_never_grows(void **state)
{
	static const char *const inputs[] = {
		"pwd=a", "pwd=a pwd=b pwd=c", "a=1&token=x&auth=y", "pwd=\xc3\xa9",
		"password=longsecret pwd=ab pwd=c",
	};
	static const char *const want[] = {
		"pwd=*", "pwd=* pwd=* pwd=*", "a=1&token=*&auth=*", "pwd=**",
		"password=*** pwd=*** pwd=***",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
		char buf[64];
		size_t len = strlen(inputs[i]);

		memset(buf, CANARY, sizeof(buf));
		memcpy(buf, inputs[i], len + 1);
		scrub_inplace(buf);
		assert_string_equal(buf, want[i]);
		for (size_t j = len + 1; j < sizeof(buf); j++)
			assert_int_equal(buf[j], CANARY);
	}
	assert_int_equal(scrub_inplace(NULL), 0);
}

static void test_counts(void **state)
{
	char buf[128];

	(void)state;
	snprintf(buf, sizeof(buf), "password=a token=bb Bearer ccc ghp_abcdefghijklmnopqrstuvwxyz");
	assert_int_equal(scrub_inplace(buf), 4);
	snprintf(buf, sizeof(buf), "nothing to see");
	assert_int_equal(scrub_inplace(buf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_disabled),	cmocka_unit_test(test_copy_truncation),
		cmocka_unit_test(test_inplace_never_grows), cmocka_unit_test(test_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
