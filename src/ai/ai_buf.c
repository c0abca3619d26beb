#include "ai_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct ai_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->s, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->s = p;
	b->cap = cap;
	return true;
}

void ai_buf_put(struct ai_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void ai_buf_puts(struct ai_buf *b, const char *s)
{
	ai_buf_put(b, s, strlen(s));
}

void ai_buf_printf(struct ai_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *ai_buf_take(struct ai_buf *b)
{
	char *s;

	if (!b->oom)
		reserve(b, 0);
	if (b->oom) {
		ai_buf_free(b);
		return NULL;
	}
	if (!b->len)
		b->s[0] = '\0';
	s = b->s;
	memset(b, 0, sizeof(*b));
	return s;
}

void ai_buf_free(struct ai_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
