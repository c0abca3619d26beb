/*
 * Server-sent events, as OpenAI-compatible servers stream chat completions.
 *
 * Two layers.  struct ai_sse splits a byte stream into events: TCP chunks
 * may end anywhere (mid-line, mid-"data:", inside a UTF-8 character), so
 * bytes are buffered until a line ends; ':' comment/ping lines are
 * skipped; the data lines of one event are joined with '\n' and handed
 * over at the blank line that ends it.
 *
 * struct ai_stream interprets the events as chat.completion.chunk objects:
 * it appends choices[0].delta.content, keeps the finish_reason and a usage
 * chunk (which arrives with "choices": null or []), stops at data: [DONE],
 * and turns a data: {"error": ...} event (servers send it with HTTP 200)
 * into an error.  Every bound is fixed, so a hostile server cannot make
 * it grow without limit.
 */
#ifndef PERFLENS_AI_SSE_H
#define PERFLENS_AI_SSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AI_SSE_LINE_MAX (256u * 1024u)  /* one line, and one event's data */

struct ai_sse {
	char *line;       /* the line being received (no terminator yet) */
	size_t len, cap;
	char *data;       /* data lines of the current event, '\n'-joined */
	size_t dlen, dcap;
	bool have_data;   /* a data: line was seen (its value may be empty) */
	bool after_cr;    /* the last byte was '\r': a '\n' next is its pair */
	uint64_t events;
};

/* Called with one event's data (NUL-terminated at data[len]).  A non-zero
 * return stops the feed and is passed back. */
typedef int (*ai_sse_event_fn)(void *ctx, const char *data, size_t len);

void ai_sse_init(struct ai_sse *p);
/* Accepts an initialised or zeroed parser. */
void ai_sse_free(struct ai_sse *p);
/* Feed n bytes.  0, the callback's non-zero value, -E2BIG for a line or an
 * event over AI_SSE_LINE_MAX, or -ENOMEM. */
int ai_sse_feed(struct ai_sse *p, const char *buf, size_t n, ai_sse_event_fn fn, void *ctx);
/* End of the stream: an event whose blank line never came is still
 * delivered (some servers close right after the last data line). */
int ai_sse_finish(struct ai_sse *p, ai_sse_event_fn fn, void *ctx);

#define AI_STREAM_ERR_MAX 256

struct ai_stream {
	struct ai_sse sse;
	char *content;          /* choices[0].delta.content, concatenated */
	size_t clen, ccap, cmax;
	bool content_cut;       /* more than cmax bytes came: the rest was dropped */
	char finish_reason[32];
	bool done;              /* data: [DONE] */
	bool have_usage;
	int64_t prompt_tokens, completion_tokens;
	bool has_error;         /* an in-band {"error": ...} event */
	char error[AI_STREAM_ERR_MAX];     /* its message (raw: sanitize to show) */
	char error_code[64];
	uint64_t chunks;        /* chunks parsed */
	uint64_t bad_chunks;    /* events that were not JSON objects */
};

/* content_max: bytes of content kept at most. */
void ai_stream_init(struct ai_stream *s, size_t content_max);
void ai_stream_free(struct ai_stream *s);
/* Feed n bytes of the response body.  0; -EPROTO once an error event came
 * (stop the transfer); -E2BIG / -ENOMEM as ai_sse_feed.  Bytes after
 * [DONE] are ignored. */
int ai_stream_feed(struct ai_stream *s, const char *buf, size_t n);
/* The body ended: flush a last event without its blank line.  Same returns. */
int ai_stream_finish(struct ai_stream *s);

#endif
