/*
 * A growing string for building prompts and messages.  An allocation
 * failure is remembered (oom) instead of returned from every append, so
 * callers check once at the end.
 */
#ifndef PERFLENS_AI_BUF_H
#define PERFLENS_AI_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct ai_buf {
	char *s;      /* NUL-terminated once anything was added */
	size_t len, cap;
	bool oom;
};

void ai_buf_put(struct ai_buf *b, const char *s, size_t n);
void ai_buf_puts(struct ai_buf *b, const char *s);
void ai_buf_printf(struct ai_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Take the string (never NULL unless oom: then NULL and the buffer freed). */
char *ai_buf_take(struct ai_buf *b);
void ai_buf_free(struct ai_buf *b);

#endif
