#include "duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct unit {
	const char *name;
	uint64_t mult;
};

#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull

/* "" is the unit of a bare number. */
static const struct unit time_units[] = {
	{ "ns", 1 },
	{ "us", NS_PER_US },
	{ "ms", NS_PER_MS },
	{ "s", NS_PER_S },
	{ "m", 60 * NS_PER_S },
	{ "h", 3600 * NS_PER_S },
	{ "", NS_PER_MS },
};

static const struct unit size_units[] = {
	{ "", 1 },
	{ "k", 1ull << 10 },
	{ "m", 1ull << 20 },
	{ "g", 1ull << 30 },
	{ "t", 1ull << 40 },
};

/* Digits past the 18th are worth under a nanosecond even in hours: they are
 * validated, then ignored, so the fraction cannot overflow. */
#define FRAC_DIGITS_MAX 18

struct decimal {
	uint64_t whole;
	uint64_t frac; /* frac / scale is the fractional part */
	uint64_t scale;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parse "D+" or "D+.D+" by hand: strtod() would accept leading blanks, signs,
 * hex, "inf" and "nan", and reads the decimal point from LC_NUMERIC, which
 * the UI may have set to a locale that writes "1,5".
 */
static const char *decimal_parse(const char *s, struct decimal *d)
{
	*d = (struct decimal){ .scale = 1 };
	if (!is_digit(*s))
		return NULL;
	for (; is_digit(*s); s++) {
		if (__builtin_mul_overflow(d->whole, 10, &d->whole) ||
		    __builtin_add_overflow(d->whole, (uint64_t)(*s - '0'), &d->whole))
			return NULL;
	}
	if (*s != '.')
		return s;
	if (!is_digit(*++s))
		return NULL;
	for (int n = 0; is_digit(*s); s++, n++) {
		if (n >= FRAC_DIGITS_MAX)
			continue;
		d->frac = d->frac * 10 + (uint64_t)(*s - '0');
		d->scale *= 10;
	}
	return s;
}

/* number * mult, truncating the fraction; false on overflow. */
static bool decimal_scale(const struct decimal *d, uint64_t mult, uint64_t *out)
{
	unsigned __int128 v = (unsigned __int128)d->whole * mult;

	v += (unsigned __int128)d->frac * mult / d->scale;
	if (v > UINT64_MAX)
		return false;
	*out = (uint64_t)v;
	return true;
}

/* A decimal followed by exactly one unit name from the table. */
static int scaled_parse(const char *s, const struct unit *units, size_t nunits,
			bool nocase, uint64_t *out)
{
	struct decimal d;
	const char *rest;

	if (!s || !out)
		return -EINVAL;
	rest = decimal_parse(s, &d);
	if (!rest)
		return -EINVAL;
	for (size_t i = 0; i < nunits; i++) {
		bool same = nocase ? !strcasecmp(rest, units[i].name) : !strcmp(rest, units[i].name);

		if (same)
			return decimal_scale(&d, units[i].mult, out) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

int duration_parse_ns(const char *s, uint64_t *ns)
{
	return scaled_parse(s, time_units, ARRAY_SIZE(time_units), false, ns);
}

/* Whole seconds are the only unit: "10" here is ten seconds, not 10 ms. */
static const struct unit second_unit[] = { { "", NS_PER_S } };

int seconds_parse(const char *s, double *secs)
{
	uint64_t ns;
	int err;

	if (!secs)
		return -EINVAL;
	err = scaled_parse(s, second_unit, 1, false, &ns);
	if (err)
		return err;
	if (ns == 0) /* "positive": a zero interval would spin */
		return -EINVAL;
	*secs = (double)ns / (double)NS_PER_S;
	return 0;
}

int size_parse_bytes(const char *s, uint64_t *bytes)
{
	return scaled_parse(s, size_units, ARRAY_SIZE(size_units), true, bytes);
}
