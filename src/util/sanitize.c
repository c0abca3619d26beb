#include "sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Everything here is built on one step: turn the bytes at the cursor into
 * the text to output for them (a "glyph") plus its width in columns.  The
 * copy functions then only differ in when they stop.
 */
struct glyph {
	char text[8]; /* longest: "<U+202E>"-style text is cut to "\u202e" (6) */
	unsigned char len;
	unsigned char consumed; /* input bytes it stands for */
	unsigned char width;
};

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Valid second bytes narrow by lead byte: that is what rules out overlongs
 * (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and > U+10FFFF (F4 90..). */
struct lead {
	unsigned char len, lo, hi;
};

static struct lead lead_of(unsigned char c)
{
	if (c < 0x80)
		return (struct lead){ 1, 0, 0 };
	if (c >= 0xc2 && c <= 0xdf)
		return (struct lead){ 2, 0x80, 0xbf };
	if (c == 0xe0)
		return (struct lead){ 3, 0xa0, 0xbf };
	if (c == 0xed)
		return (struct lead){ 3, 0x80, 0x9f };
	if (c >= 0xe1 && c <= 0xef)
		return (struct lead){ 3, 0x80, 0xbf };
	if (c == 0xf0)
		return (struct lead){ 4, 0x90, 0xbf };
	if (c >= 0xf1 && c <= 0xf3)
		return (struct lead){ 4, 0x80, 0xbf };
	if (c == 0xf4)
		return (struct lead){ 4, 0x80, 0x8f };
	return (struct lead){ 0, 0, 0 }; /* 80..C1, F5..FF never start a character */
}

/* Length of the valid character at s (avail bytes readable), 0 if invalid.
 * A NUL inside a sequence fails the continuation test, so reading stops there. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	struct lead l = lead_of(s[0]);

	if (l.len == 0 || l.len > avail)
		return 0;
	if (l.len == 1) {
		*cp = s[0];
		return 1;
	}
	if (s[1] < l.lo || s[1] > l.hi)
		return 0;
	*cp = s[0] & (0x7f >> l.len);
	for (size_t i = 1; i < l.len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return l.len;
}

struct range {
	uint32_t lo, hi;
};

/* A compact stand-in for wcwidth(), which returns -1 for everything
 * non-ASCII unless a UTF-8 LC_CTYPE happens to be set. */
static const struct range wide[] = {
	{ 0x1100, 0x115f },   { 0x2e80, 0xa4cf },   { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff },   { 0xfe30, 0xfe4f },   { 0xff00, 0xff60 },
	{ 0xffe0, 0xffe6 },   { 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff },
	{ 0x20000, 0x3fffd },
};

static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff },
	{ 0x200b, 0x200f }, { 0x20d0, 0x20ff }, { 0xfe20, 0xfe2f },
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

static unsigned cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0; /* only reachable in sanitize_utf8 output, never drawn raw */
	if (in_ranges(cp, zero_width, ARRAY_SIZE(zero_width)))
		return 0;
	return in_ranges(cp, wide, ARRAY_SIZE(wide)) ? 2 : 1;
}

static void glyph_set(struct glyph *g, const char *text, size_t len, unsigned width)
{
	memcpy(g->text, text, len);
	g->len = (unsigned char)len;
	g->width = (unsigned char)width;
}

/*
 * C0 and DEL get caret notation (ESC is "^["), C1 gets "\x9b": both are
 * plain ASCII, so nothing a terminal interprets survives, and the result is
 * a fixed point (sanitizing twice changes nothing).
 */
static void glyph_escape(struct glyph *g, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";

	if (cp < 0x20 || cp == 0x7f) {
		char caret[2] = { '^', (char)(cp ^ 0x40) };

		glyph_set(g, caret, 2, 2);
	} else {
		char esc[4] = { '\\', 'x', hex[cp >> 4], hex[cp & 0xf] };

		glyph_set(g, esc, 4, 4);
	}
}

/* Bidirectional controls reorder what follows on screen: a process named
 * "x\u202egnp.exe" would read as "xexe.png".  Shown as "\u202e" instead. */
static bool is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

static void glyph_bidi(struct glyph *g, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = { '\\', 'u', hex[(cp >> 12) & 0xf], hex[(cp >> 8) & 0xf],
			hex[(cp >> 4) & 0xf], hex[cp & 0xf] };

	glyph_set(g, esc, 6, 6);
}

/* The glyph for the input at s; avail >= 1 and s[0] != NUL. */
static void glyph_next(struct glyph *g, const char *s, size_t avail, bool display)
{
	uint32_t cp = 0;
	size_t n = utf8_decode((const unsigned char *)s, avail, &cp);

	if (n == 0) {
		g->consumed = 1; /* one U+FFFD per invalid byte */
		glyph_set(g, REPLACEMENT, 3, 1);
		return;
	}
	g->consumed = (unsigned char)n;
	if (display && (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)))
		glyph_escape(g, cp);
	else if (display && is_bidi_control(cp))
		glyph_bidi(g, cp);
	else
		glyph_set(g, s, n, cp_width(cp));
}

/*
 * The shared copy loop.  The source ends at len bytes or at the first NUL,
 * whichever comes first: fixed-size kernel strings (comm, filenames) are
 * NUL-padded, and a NUL kept in the middle would cut the C string short
 * anyway.  Stops before a glyph that does not fit in bytes or columns.
 */
static size_t copy_glyphs(char *dst, size_t dstsz, const char *src, size_t len, bool display,
			  int max_cols, int *cols_used)
{
	size_t w = 0, r = 0;
	int cols = 0;

	if (!dst || dstsz == 0)
		goto out;
	while (src && r < len && src[r]) {
		struct glyph g;

		glyph_next(&g, src + r, len - r, display);
		if (g.len > dstsz - 1 - w)
			break;
		if (max_cols >= 0 && cols + g.width > max_cols)
			break;
		memcpy(dst + w, g.text, g.len);
		w += g.len;
		r += g.consumed;
		cols += g.width;
	}
	dst[w] = '\0';
out:
	if (cols_used)
		*cols_used = cols;
	return w;
}

size_t sanitize_utf8(char *dst, size_t dstsz, const char *src, size_t len)
{
	return copy_glyphs(dst, dstsz, src, len, false, -1, NULL);
}

size_t sanitize_display(char *dst, size_t dstsz, const char *src, size_t len)
{
	return copy_glyphs(dst, dstsz, src, len, true, -1, NULL);
}

/* Measured as it would be drawn after sanitize_display, so a string that
 * skipped sanitizing cannot make the layout lie about its width. */
int sanitize_width(const char *s)
{
	int cols = 0;
	size_t len;

	if (!s)
		return 0;
	len = strlen(s);
	for (size_t r = 0; r < len;) {
		struct glyph g;

		glyph_next(&g, s + r, len - r, true);
		r += g.consumed;
		cols += g.width;
	}
	return cols;
}

/* Runs the display transform too: a no-op on sanitized input, and it keeps
 * unsanitized input from putting escapes on screen. */
int sanitize_fit(char *dst, size_t dstsz, const char *s, int cols)
{
	int used = 0;

	/* With no room at all, not even a zero-width mark gets through. */
	copy_glyphs(dst, dstsz, cols > 0 ? s : NULL, (size_t)-1, true, cols, &used);
	return used;
}
