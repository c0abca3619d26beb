#include "ai_anon.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ai_buf.h"

static const char *const kind_prefix[] = { "HOST_", "USER_", "IP_" };

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Part of a name: a match must not continue into one of these. */
static bool is_namech(char c)
{
	return is_alnum(c) || c == '_' || c == '-';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int find(const struct ai_anon *a, const char *real, size_t len)
{
	for (int i = 0; i < a->n; i++)
		if (strlen(a->e[i].real) == len && !memcmp(a->e[i].real, real, len))
			return i;
	return -1;
}

static int add_n(struct ai_anon *a, enum ai_anon_kind kind, const char *real, size_t len)
{
	struct ai_anon_entry *e;

	if (len < 2 || len >= AI_ANON_NAME || (unsigned)kind >= AI_ANON_KINDS)
		return -EINVAL;
	if (find(a, real, len) >= 0)
		return 0;
	if (a->n == AI_ANON_MAX) {
		a->full++;
		return -ENOSPC;
	}
	e = &a->e[a->n++];
	memcpy(e->real, real, len);
	e->real[len] = '\0';
	e->kind = kind;
	snprintf(e->token, sizeof(e->token), "%s%d", kind_prefix[kind], ++a->count[kind]);
	return 0;
}

int ai_anon_add(struct ai_anon *a, enum ai_anon_kind kind, const char *real)
{
	return real ? add_n(a, kind, real, strlen(real)) : -EINVAL;
}

struct ai_anon *ai_anon_new(void)
{
	struct ai_anon *a = calloc(1, sizeof(*a));
	char host[256];

	if (!a)
		return NULL;
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		ai_anon_add(a, AI_ANON_HOST, host);
		host[strcspn(host, ".")] = '\0';
		ai_anon_add(a, AI_ANON_HOST, host);
	}
	return a;
}

void ai_anon_free(struct ai_anon *a)
{
	free(a);
}

/* ---- what is sensitive ---------------------------------------------------- */

/* Length of an IPv4 literal at s (word-bounded, octets <= 255), or 0. */
static size_t ipv4_at(const char *s)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, d = 0;

		while (s[i] >= '0' && s[i] <= '9' && d < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return 0;
		if (part < 3 && s[i++] != '.')
			return 0;
	}
	return is_namech(s[i]) || (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') ? 0 : i;
}

/* Length of an IPv6 literal at s, or 0: hex groups and colons, either all
 * eight groups or shortened with "::" (so "12:30:45" and MAC addresses are
 * not addresses).  "std::vector" has letters past 'f', so C++ names never
 * match. */
static size_t ipv6_at(const char *s)
{
	size_t i = 0, colons = 0, groups = 0;
	bool dbl = false;

	while (is_hex(s[i]) || s[i] == ':') {
		if (s[i] == ':') {
			colons++;
			dbl |= s[i + 1] == ':';
			i++;
			continue;
		}
		groups++;
		for (int d = 0; is_hex(s[i]); d++, i++)
			if (d == 4)
				return 0;
	}
	if (colons > 7 || !(colons == 7 || (dbl && groups >= 1)) || is_namech(s[i]) || s[i] == '.')
		return 0;
	return i;
}

static size_t ip_at(const char *s)
{
	size_t n = ipv4_at(s);

	if (n && !strncmp(s, "127.", 4))
		return 0; /* loopback says nothing about the host */
	return n ? n : ipv6_at(s);
}

/* Users from home directories in paths. */
static void learn_users(struct ai_anon *a, const char *text)
{
	static const char *const homes[] = { "/home/", "/Users/" };

	for (size_t k = 0; k < 2; k++) {
		for (const char *p = strstr(text, homes[k]); p; p = strstr(p + 1, homes[k])) {
			const char *u = p + strlen(homes[k]);
			size_t n = 0;

			while (is_namech(u[n]) || u[n] == '.')
				n++;
			if (n && (u[n] == '/' || u[n] == ' ' || u[n] == '\0'))
				add_n(a, AI_ANON_USER, u, n);
		}
	}
}

/* ---- replacing ------------------------------------------------------------ */

/* The longest known name starting at s (whole word), or -1. */
static int name_at(const struct ai_anon *a, const char *s, size_t *len)
{
	int best = -1;

	*len = 0;
	for (int i = 0; i < a->n; i++) {
		size_t n = strlen(a->e[i].real);

		if (n > *len && !strncmp(s, a->e[i].real, n) && !is_namech(s[n])) {
			best = i;
			*len = n;
		}
	}
	return best;
}

char *ai_anon_apply(struct ai_anon *a, const char *text)
{
	struct ai_buf b = { 0 };

	learn_users(a, text);
		for (const char *p = text; *p;) {
		size_t n = 0;
		int i = -1;

		if (p == text || !is_namech(p[-1])) {
			/* "1.2.3.4.5" and "a::1:2" hold no address in their tail */
			n = p > text && (p[-1] == '.' || p[-1] == ':') ? 0 : ip_at(p);
			if (n && add_n(a, AI_ANON_IP, p, n) != -ENOSPC)
				i = find(a, p, n);
			else
				i = name_at(a, p, &n);
		}
		if (i >= 0) {
			ai_buf_puts(&b, a->e[i].token);
			p += n;
		} else {
			ai_buf_put(&b, p++, 1);
		}
	}
	return ai_buf_take(&b);
}

size_t ai_anon_reveal(const struct ai_anon *a, const char *in, char *out, size_t outsz)
{
	size_t w = 0;

	if (!outsz)
		return 0;
	for (const char *p = in; *p && w + 1 < outsz;) {
		const char *rep = NULL;
		size_t n = 0;

		for (int i = 0; i < a->n && (p == in || !is_namech(p[-1])); i++) {
			size_t t = strlen(a->e[i].token);

			if (!strncmp(p, a->e[i].token, t) && !is_namech(p[t])) {
				rep = a->e[i].real;
				n = t;
				break;
			}
		}
		if (!rep) {
			out[w++] = *p++;
			continue;
		}
		for (const char *r = rep; *r && w + 1 < outsz; r++)
			out[w++] = *r;
		p += n;
	}
	out[w] = '\0';
	return w;
}
