#include "ai_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tag prefixes, each followed by digits. */
static const char *const prefixes[] = { "io#", "stk#", "hot#", "dev#", "fnd#", "pid:" };

#define NPREFIX (sizeof(prefixes) / sizeof(prefixes[0]))

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
	return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') || c == '_';
}

void ai_ids_clear(struct ai_ids *s)
{
	s->n = 0;
	s->full = false;
}

static int find(const struct ai_ids *s, const char *id, bool *found)
{
	int lo = 0, hi = s->n;

	while (lo < hi) {
		int mid = (lo + hi) / 2, c = strcmp(s->id[mid], id);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static void insert(struct ai_ids *s, const char *id)
{
	bool found;
	int at = find(s, id, &found);

	if (found)
		return;
	if (s->n == AI_IDS_MAX) {
		s->full = true;
		return;
	}
	memmove(s->id[at + 1], s->id[at], (size_t)(s->n - at) * AI_ID_LEN);
	snprintf(s->id[at], AI_ID_LEN, "%s", id);
	s->n++;
}

/* Prefix (lowercase) at s followed by 1..12 digits: length matched, else 0. */
static size_t match_at(const char *s, const char *prefix)
{
	size_t p = strlen(prefix), d = 0;

	for (size_t i = 0; i < p; i++)
		if (lower(s[i]) != prefix[i])
			return 0;
	while (is_digit(s[p + d]) && d < 12)
		d++;
	if (d == 0 || is_digit(s[p + d]))
		return 0;
	return p + d;
}

void ai_ids_scan(struct ai_ids *s, const char *text)
{
	for (const char *t = text; *t; t++) {
		if (t > text && is_word(t[-1]))
			continue; /* ids start a word: "ratio#3" is none */
		for (size_t k = 0; k < NPREFIX; k++) {
			size_t n = match_at(t, prefixes[k]);
			char id[AI_ID_LEN];

			if (!n || is_word(t[n]))
				continue;
			for (size_t i = 0; i < n; i++)
				id[i] = lower(t[i]);
			id[n] = '\0';
			insert(s, id);
			t += n - 1;
			break;
		}
	}
}

/* The first id written exactly ("stk#2 (wait)", "[io#3]") into out. */
static bool first_exact(const char *cited, char *out, size_t outsz)
{
	for (const char *t = cited; *t; t++) {
		if (t > cited && is_word(t[-1]))
			continue;
		for (size_t k = 0; k < NPREFIX; k++) {
			size_t n = match_at(t, prefixes[k]);

			if (!n || is_word(t[n]) || n >= outsz)
				continue;
			for (size_t i = 0; i < n; i++)
				out[i] = lower(t[i]);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

bool ai_id_normalize(const char *cited, char *out, size_t outsz)
{
	char buf[64];
	size_t n = 0;

	if (first_exact(cited, out, outsz))
		return true;
	/* Loose spellings: "PID 12", "pid=12", "pid12", "io #3".  Keep letters,
	 * digits and '#'; a separator right after "pid" becomes ':'. */
	for (const char *c = cited; *c && n + 2 < sizeof(buf); c++) {
		char l = lower(*c);

		if ((l >= 'a' && l <= 'z') || is_digit(l) || l == '#')
			buf[n++] = l;
		else if ((l == ':' || l == '=' || l == ' ') && n == 3 && !memcmp(buf, "pid", 3))
			buf[n++] = ':';
	}
	buf[n] = '\0';
	if (n > 3 && !memcmp(buf, "pid", 3) && strspn(buf + 3, "0123456789") == n - 3) {
		memmove(buf + 4, buf + 3, n - 2);
		buf[3] = ':';
	}
	for (size_t k = 0; k < NPREFIX; k++) {
		size_t m = match_at(buf, prefixes[k]);

		if (m && buf[m] == '\0' && m < outsz) {
			memcpy(out, buf, m + 1);
			return true;
		}
	}
	return false;
}

bool ai_ids_has(const struct ai_ids *s, const char *cited)
{
	char id[AI_ID_LEN];
	bool found;

	if (!ai_id_normalize(cited, id, sizeof(id)))
		return false;
	find(s, id, &found);
	return found;
}
