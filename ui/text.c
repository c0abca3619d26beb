#include "text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../src/util/sanitize.h"
#include "theme.h"

/* Bytes in the UTF-8 character starting with c (valid input). */
static size_t char_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	return 2;
}

/* Replace every non-ASCII character with '?' in place (valid UTF-8 in). */
static size_t ascii_only(char *s)
{
	size_t r = 0, w = 0;

	while (s[r]) {
		size_t n = char_len((unsigned char)s[r]);

		s[w++] = n == 1 ? s[r] : '?';
		for (size_t i = 0; i < n && s[r]; i++)
			r++;
	}
	s[w] = '\0';
	return w;
}

size_t text_clean(char *dst, size_t dstsz, const char *s)
{
	size_t n;

	if (!dstsz)
		return 0;
	n = sanitize_display(dst, dstsz, s ? s : "", (size_t)-1);
	return theme_utf8() ? n : ascii_only(dst);
}

int text_width(const char *clean)
{
	return sanitize_width(clean);
}

int text_fit(char *dst, size_t dstsz, const char *s, int cols)
{
	char clean[1024];
	const char *ell = theme_glyph(G_ELLIPSIS);
	int used;

	if (!dstsz)
		return 0;
	dst[0] = '\0';
	if (cols <= 0)
		return 0;
	text_clean(clean, sizeof(clean), s);
	if (text_width(clean) <= cols)
		return sanitize_fit(dst, dstsz, clean, cols);
	used = sanitize_fit(dst, dstsz > 8 ? dstsz - 4 : dstsz, clean, cols - 1);
	if (strlen(dst) + strlen(ell) < dstsz) {
		strcat(dst, ell);
		used++;
	}
	return used;
}

/* Columns of the single character at s (valid UTF-8). */
static int char_width(const char *s, size_t n)
{
	char one[5];

	memcpy(one, s, n);
	one[n] = '\0';
	return sanitize_width(one);
}

int text_fit_left(char *dst, size_t dstsz, const char *s, int cols)
{
	char clean[1024];
	const char *ell = theme_glyph(G_ELLIPSIS);
	int width;
	size_t i = 0, elen = strlen(ell);

	if (!dstsz)
		return 0;
	dst[0] = '\0';
	if (cols <= 0)
		return 0;
	text_clean(clean, sizeof(clean), s);
	width = text_width(clean);
	if (width <= cols)
		return sanitize_fit(dst, dstsz, clean, cols);
	/* Drop characters from the left until the rest fits beside the mark. */
	while (clean[i] && width > cols - 1) {
		size_t n = char_len((unsigned char)clean[i]);

		width -= char_width(clean + i, n);
		i += n;
	}
	if (elen + 1 >= dstsz)
		return sanitize_fit(dst, dstsz, clean + i, cols);
	memcpy(dst, ell, elen + 1);
	return 1 + sanitize_fit(dst + elen, dstsz - elen, clean + i, cols - 1);
}

void fmt_dur(char *buf, size_t sz, uint64_t ns)
{
	const char *us = theme_glyph(G_MICRO);

	if (ns < 1000)
		snprintf(buf, sz, "%uns", (unsigned)ns);
	else if (ns < 10000)
		snprintf(buf, sz, "%.2f%ss", ns / 1e3, us);
	else if (ns < 1000000)
		snprintf(buf, sz, "%.1f%ss", ns / 1e3, us);
	else if (ns < 10000000)
		snprintf(buf, sz, "%.2fms", ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, sz, "%.1fms", ns / 1e6);
	else if (ns < 60000000000ull)
		snprintf(buf, sz, "%.2fs", ns / 1e9);
	else if (ns < 3600000000000ull)
		snprintf(buf, sz, "%um%02us", (unsigned)(ns / 60000000000ull),
			 (unsigned)(ns / 1000000000ull % 60));
	else
		snprintf(buf, sz, "%uh%02um", (unsigned)(ns / 3600000000000ull),
			 (unsigned)(ns / 60000000000ull % 60));
}

static void fmt_scaled(char *buf, size_t sz, uint64_t v, double base, const char *units)
{
	double d = (double)v;
	int u = 0;

	while (d >= base && units[u + 1]) {
		d /= base;
		u++;
	}
	if (u == 0)
		snprintf(buf, sz, "%llu", (unsigned long long)v);
	else if (d < 10)
		snprintf(buf, sz, "%.1f%c", d, units[u]);
	else
		snprintf(buf, sz, "%.0f%c", d, units[u]);
}

void fmt_bytes(char *buf, size_t sz, uint64_t bytes)
{
	fmt_scaled(buf, sz, bytes, 1024.0, " KMGTPE");
}

void fmt_count(char *buf, size_t sz, uint64_t n)
{
	if (n < 1000)
		snprintf(buf, sz, "%llu", (unsigned long long)n);
	else
		fmt_scaled(buf, sz, n, 1000.0, " kMGTPE");
}

void fmt_clock(char *buf, size_t sz, double wall, bool ms)
{
	time_t t = (time_t)wall;
	struct tm tm;

	if (wall < 0 || !localtime_r(&t, &tm)) {
		snprintf(buf, sz, "--:--:--");
		return;
	}
	if (ms)
		snprintf(buf, sz, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)((wall - (double)t) * 1000.0) % 1000);
	else
		snprintf(buf, sz, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}
