#include "ai_sse.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai_json.h"

/* ---- buffers ------------------------------------------------------------ */

/* Room for `more` bytes plus a NUL, within AI_SSE_LINE_MAX. */
static int grow(char **buf, size_t *cap, size_t len, size_t more)
{
	size_t need = len + more + 1, ncap;
	char *p;

	if (need > AI_SSE_LINE_MAX + 1)
		return -E2BIG;
	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	if (ncap > AI_SSE_LINE_MAX + 1)
		ncap = AI_SSE_LINE_MAX + 1;
	p = realloc(*buf, ncap);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = ncap;
	return 0;
}

static int append(char **buf, size_t *len, size_t *cap, const char *src, size_t n)
{
	int err = grow(buf, cap, *len, n);

	if (err)
		return err;
	memcpy(*buf + *len, src, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

/* ---- the event splitter ------------------------------------------------- */

void ai_sse_init(struct ai_sse *p)
{
	memset(p, 0, sizeof(*p));
}

void ai_sse_free(struct ai_sse *p)
{
	if (!p)
		return;
	free(p->line);
	free(p->data);
	ai_sse_init(p);
}

static int dispatch(struct ai_sse *p, ai_sse_event_fn fn, void *ctx)
{
	static const char empty[] = "";
	int rc;

	if (!p->have_data)
		return 0;
	p->have_data = false;
	p->events++;
	rc = fn(ctx, p->data ? p->data : empty, p->dlen);
	p->dlen = 0;
	if (p->data)
		p->data[0] = '\0';
	return rc;
}

/* One complete line (without its terminator).  Only "data" matters here;
 * "event", "id" and "retry" mean nothing for chat completions. */
static int process_line(struct ai_sse *p, const char *line, size_t len, ai_sse_event_fn fn,
			void *ctx)
{
	const char *colon, *val;
	size_t vlen;
	int err;

	if (len == 0)
		return dispatch(p, fn, ctx);
	if (line[0] == ':')
		return 0; /* comment or keep-alive ping */
	colon = memchr(line, ':', len);
	if ((colon ? (size_t)(colon - line) : len) != 4 || memcmp(line, "data", 4))
		return 0;
	val = colon ? colon + 1 : line + len;
	vlen = (size_t)(line + len - val);
	if (vlen && *val == ' ') {
		val++;
		vlen--;
	}
	if (p->have_data && (err = append(&p->data, &p->dlen, &p->dcap, "\n", 1)))
		return err;
	p->have_data = true;
	return vlen ? append(&p->data, &p->dlen, &p->dcap, val, vlen)
		    : grow(&p->data, &p->dcap, p->dlen, 0);
}

static int end_line(struct ai_sse *p, ai_sse_event_fn fn, void *ctx)
{
	int rc = process_line(p, p->line ? p->line : "", p->len, fn, ctx);

	p->len = 0;
	return rc;
}

int ai_sse_feed(struct ai_sse *p, const char *buf, size_t n, ai_sse_event_fn fn, void *ctx)
{
	size_t i = 0;
	int rc;

	while (i < n) {
		size_t j = i;

		if (p->after_cr && buf[i] == '\n') {
			p->after_cr = false; /* the second half of a CRLF */
			i++;
			continue;
		}
		p->after_cr = false;
		while (j < n && buf[j] != '\n' && buf[j] != '\r')
			j++;
		if (j > i && (rc = append(&p->line, &p->len, &p->cap, buf + i, j - i)))
			return rc;
		if (j == n)
			break;
		p->after_cr = buf[j] == '\r';
		rc = end_line(p, fn, ctx);
		if (rc)
			return rc;
		i = j + 1;
	}
	return 0;
}

int ai_sse_finish(struct ai_sse *p, ai_sse_event_fn fn, void *ctx)
{
	int rc = 0;

	if (p->len)
		rc = end_line(p, fn, ctx);
	return rc ? rc : dispatch(p, fn, ctx);
}

/* ---- chat completion chunks --------------------------------------------- */

void ai_stream_init(struct ai_stream *s, size_t content_max)
{
	memset(s, 0, sizeof(*s));
	ai_sse_init(&s->sse);
	s->cmax = content_max;
}

void ai_stream_free(struct ai_stream *s)
{
	if (!s)
		return;
	ai_sse_free(&s->sse);
	free(s->content);
	s->content = NULL;
	s->clen = s->ccap = 0;
}

static int add_content(struct ai_stream *s, const char *text, size_t n)
{
	size_t ncap;
	char *p;

	if (s->clen + n > s->cmax) {
		n = s->cmax - s->clen;
		s->content_cut = true;
	}
	if (s->clen + n + 1 > s->ccap) {
		ncap = s->ccap ? s->ccap : 1024;
		while (ncap < s->clen + n + 1)
			ncap *= 2;
		p = realloc(s->content, ncap);
		if (!p)
			return -ENOMEM;
		s->content = p;
		s->ccap = ncap;
	}
	memcpy(s->content + s->clen, text, n);
	s->clen += n;
	s->content[s->clen] = '\0';
	return 0;
}

/* {"error": {"message", "type", "code"}} or {"error": "text"}. */
static void take_error(struct ai_stream *s, json_object *err)
{
	const char *msg = json_object_is_type(err, json_type_string) ? json_object_get_string(err)
								      : ai_json_str(err, "message");
	json_object *code = NULL;

	s->has_error = true;
	snprintf(s->error, sizeof(s->error), "%s", msg ? msg : "error event in the stream");
	if (json_object_is_type(err, json_type_object) && json_object_object_get_ex(err, "code", &code)
	    && code && !json_object_is_type(code, json_type_null))
		snprintf(s->error_code, sizeof(s->error_code), "%s", json_object_get_string(code));
}

static void take_usage(struct ai_stream *s, json_object *u)
{
	json_object *pt = ai_json_get(u, "prompt_tokens", json_type_int);
	json_object *ct = ai_json_get(u, "completion_tokens", json_type_int);

	if (!pt && !ct)
		return;
	s->have_usage = true;
	s->prompt_tokens = pt ? json_object_get_int64(pt) : 0;
	s->completion_tokens = ct ? json_object_get_int64(ct) : 0;
}

static int take_choice(struct ai_stream *s, json_object *choice)
{
	json_object *delta = ai_json_get(choice, "delta", json_type_object);
	json_object *text;
	const char *fr = ai_json_str(choice, "finish_reason");

	if (!delta) /* a few servers stream whole messages */
		delta = ai_json_get(choice, "message", json_type_object);
	if (fr)
		snprintf(s->finish_reason, sizeof(s->finish_reason), "%s", fr);
	text = ai_json_get(delta, "content", json_type_string);
	if (!text)
		return 0;
	return add_content(s, json_object_get_string(text), (size_t)json_object_get_string_len(text));
}

static int on_chunk(struct ai_stream *s, json_object *o)
{
	json_object *err = NULL, *choices = ai_json_get(o, "choices", json_type_array);
	json_object *usage = ai_json_get(o, "usage", json_type_object);

	if (json_object_object_get_ex(o, "error", &err) && err &&
	    !json_object_is_type(err, json_type_null)) {
		take_error(s, err);
		return -EPROTO;
	}
	s->chunks++;
	if (usage)
		take_usage(s, usage);
	/* The usage chunk has "choices": null or []; nothing more in it. */
	if (choices && json_object_array_length(choices) > 0)
		return take_choice(s, json_object_array_get_idx(choices, 0));
	return 0;
}

static int on_event(void *ctx, const char *data, size_t len)
{
	struct ai_stream *s = ctx;
	json_object *o;
	int rc;

	if (s->done)
		return 0;
	while (len && (data[len - 1] == ' ' || data[len - 1] == '\n'))
		len--;
	if (len == 6 && !memcmp(data, "[DONE]", 6)) {
		s->done = true;
		return 0;
	}
	o = ai_json_parse(data, len);
	if (!o || !json_object_is_type(o, json_type_object)) {
		s->bad_chunks++;
		json_object_put(o);
		return 0;
	}
	rc = on_chunk(s, o);
	json_object_put(o);
	return rc;
}

int ai_stream_feed(struct ai_stream *s, const char *buf, size_t n)
{
	if (s->has_error)
		return -EPROTO;
	if (s->done)
		return 0;
	return ai_sse_feed(&s->sse, buf, n, on_event, s);
}

int ai_stream_finish(struct ai_stream *s)
{
	if (s->has_error)
		return -EPROTO;
	return s->done ? 0 : ai_sse_finish(&s->sse, on_event, s);
}
