/* Unit tests for duration, seconds and size parsing (src/util/duration.c). */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "util/duration.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ok_case {
	const char *in;
	uint64_t want;
};

static void test_duration_valid(void **state)
{
	static const struct ok_case cases[] = {
		{ "200us", 200000 },
		{ "5ms", 5000000 },
		{ "1s", 1000000000 },
		{ "1.5s", 1500000000 },
		{ "2m", 120000000000ull },
		{ "1h", 3600000000000ull },
		{ "250ns", 250 },
		{ "10", 10000000 },	/* bare number: milliseconds */
		{ "0.5", 500000 },
		{ "0", 0 },
		{ "0.25us", 250 },
		{ "1.0000000000000000000000001s", 1000000000 }, /* digits past ns precision */
		{ "1.9ns", 1 },				   /* truncated, not rounded */
		{ "18446744073709551615ns", UINT64_MAX },
		{ "007ms", 7000000 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t ns = 42;

		if (duration_parse_ns(cases[i].in, &ns) != 0 || ns != cases[i].want)
			fail_msg("\"%s\": got %llu", cases[i].in, (unsigned long long)ns);
	}
}

static void test_duration_invalid(void **state)
{
	static const char *const bad[] = {
		"",	  "-5ms",   "+5ms",	" 5ms",	  "5ms ",	  "5 ms", "5msx", "ms",
		"5.",	  ".5",	    "1.5.5s",	"nan",	  "inf",	  "NaN",  "1e3",  "0x10",
		"5MS",	  "5Ms",    "5sec",	"5\xc2\xb5s", "--5",	  "5m5s", "1,5s",
		"18446744073709551616ns",	/* UINT64_MAX + 1 */
		"18446744074s",			/* overflows only after scaling */
		"99999999999999999999999999999",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t ns = 42;

		if (duration_parse_ns(bad[i], &ns) != -EINVAL)
			fail_msg("\"%s\" accepted as %llu", bad[i], (unsigned long long)ns);
		assert_int_equal(ns, 42); /* untouched on error */
	}
	assert_int_equal(duration_parse_ns(NULL, &(uint64_t){ 0 }), -EINVAL);
	assert_int_equal(duration_parse_ns("5ms", NULL), -EINVAL);
}

static void test_seconds(void **state)
{
	static const char *const bad[] = {
		"0", "0.0", "-1", "", "1s", "nan", "inf", "1e3", "1,5", " 1", "1 ", "2.",
	};
	double s = 0;

	(void)state;
	assert_int_equal(seconds_parse("10", &s), 0);
	assert_true(s == 10.0);
	assert_int_equal(seconds_parse("2.5", &s), 0);
	assert_true(s == 2.5);
	assert_int_equal(seconds_parse("0.001", &s), 0);
	assert_true(s > 0.000999 && s < 0.001001);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		s = 42;
		if (seconds_parse(bad[i], &s) != -EINVAL)
			fail_msg("\"%s\" accepted as %f", bad[i], s);
		assert_true(s == 42);
	}
	assert_int_equal(seconds_parse(NULL, &s), -EINVAL);
	assert_int_equal(seconds_parse("1", NULL), -EINVAL);
}

/* The UI may switch LC_NUMERIC to a locale that writes "2,5". */
static void test_seconds_ignores_locale(void **state)
{
	static const char *const locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8" };
	double s = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(locales); i++) {
		if (!setlocale(LC_NUMERIC, locales[i]))
			continue;
		assert_int_equal(seconds_parse("2.5", &s), 0);
		assert_true(s == 2.5);
		assert_int_equal(seconds_parse("2,5", &s), -EINVAL);
	}
	setlocale(LC_NUMERIC, "C");
}

static void test_size_valid(void **state)
{
	static const struct ok_case cases[] = {
		{ "4096", 4096 },
		{ "10k", 10240 },
		{ "10K", 10240 },
		{ "64M", 64ull << 20 },
		{ "64m", 64ull << 20 },
		{ "1G", 1ull << 30 },
		{ "1.5G", 3ull << 29 },
		{ "2T", 2ull << 40 },
		{ "0", 0 },
		{ "16777215T", 16777215ull << 40 },
		{ "18446744073709551615", UINT64_MAX },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t b = 42;

		if (size_parse_bytes(cases[i].in, &b) != 0 || b != cases[i].want)
			fail_msg("\"%s\": got %llu", cases[i].in, (unsigned long long)b);
	}
}

static void test_size_invalid(void **state)
{
	static const char *const bad[] = {
		"",	   "-1",       "1X",	"1 M",	"M",	"1MM",	 "1Mi", "1e6", "nan",
		"0x1000",  "+64M",     "64M ",	"1.",	".5G",	"1,5G",
		"16777216T",		 /* 2^64 */
		"18446744073709551616", /* UINT64_MAX + 1 */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t b = 42;

		if (size_parse_bytes(bad[i], &b) != -EINVAL)
			fail_msg("\"%s\" accepted as %llu", bad[i], (unsigned long long)b);
		assert_int_equal(b, 42);
	}
	assert_int_equal(size_parse_bytes(NULL, &(uint64_t){ 0 }), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_valid),	 cmocka_unit_test(test_duration_invalid),
		cmocka_unit_test(test_seconds),		 cmocka_unit_test(test_seconds_ignores_locale),
		cmocka_unit_test(test_size_valid),	 cmocka_unit_test(test_size_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
