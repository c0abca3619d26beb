/* Unit tests for the SSE parser and the chat-completion stream (src/ai/ai_sse.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ai/ai_sse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct events {
	char data[8][256];
	int n;
};

static int collect(void *ctx, const char *data, size_t len)
{
	struct events *ev = ctx;

	assert_true(ev->n < 8);
	assert_int_equal(strlen(data), len);
	snprintf(ev->data[ev->n++], sizeof(ev->data[0]), "%s", data);
	return 0;
}

static void feed_all(struct ai_sse *p, const char *s, struct events *ev)
{
	assert_int_equal(ai_sse_feed(p, s, strlen(s), collect, ev), 0);
}

static void test_events_and_comments(void **state)
{
	struct ai_sse p;
	struct events ev = { 0 };

	ai_sse_init(&p);
	feed_all(&p, ": ping\n\ndata: one\n\nevent: x\nid: 3\ndata:two\n\n", &ev);
	assert_int_equal(ev.n, 2);
	assert_string_equal(ev.data[0], "one");
	assert_string_equal(ev.data[1], "two"); /* no space after the colon is fine */
	ai_sse_free(&p);
}

static void test_line_endings(void **state)
{
	struct ai_sse p;
	struct events ev = { 0 };

	ai_sse_init(&p);
	feed_all(&p, "data: crlf\r\n\r\ndata: cr\r\rdata: a\ndata: b\n\n", &ev);
	assert_int_equal(ev.n, 3);
	assert_string_equal(ev.data[0], "crlf");
	assert_string_equal(ev.data[1], "cr");
	assert_string_equal(ev.data[2], "a\nb"); /* data lines of one event are joined */
	ai_sse_free(&p);
}

static void test_crlf_split_across_chunks(void **state)
{
	struct ai_sse p;
	struct events ev = { 0 };

	ai_sse_init(&p);
	feed_all(&p, "data: x\r", &ev);
	feed_all(&p, "\n\r", &ev);
	feed_all(&p, "\n", &ev);
	assert_int_equal(ev.n, 1); /* "\r" "\n" across chunks is one line end, not two */
	assert_string_equal(ev.data[0], "x");
	ai_sse_free(&p);
}

static void test_finish_flushes(void **state)
{
	struct ai_sse p;
	struct events ev = { 0 };

	ai_sse_init(&p);
	feed_all(&p, "data: last", &ev);
	assert_int_equal(ev.n, 0);
	assert_int_equal(ai_sse_finish(&p, collect, &ev), 0);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.data[0], "last");
	ai_sse_free(&p);
}

static void test_line_too_long(void **state)
{
	struct ai_sse p;
	struct events ev = { 0 };
	size_t n = AI_SSE_LINE_MAX + 10;
	char *big = malloc(n);

	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "data: ", 6);
	ai_sse_init(&p);
	assert_int_equal(ai_sse_feed(&p, big, n, collect, &ev), -E2BIG);
	ai_sse_free(&p);
	free(big);
}

/* An OpenAI-style stream: role chunk, content with multi-byte UTF-8
 * (including a 4-byte emoji), finish_reason, usage with choices null. */
static const char stream_text[] =
	": keep-alive\n\n"
	"data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
	"\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"headline\\\":\\\"h\xc3\xa9"
	"llo \xe2\x80\x94 \"}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xf0\x9f\x94\xa5 ok\\\"}\"},"
	"\"finish_reason\":\"stop\"}]}\n\n"
	"data: {\"choices\":null,\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":12}}\n\n"
	"data: [DONE]\n\n"
	"data: {\"choices\":[{\"delta\":{\"content\":\"after done\"}}]}\n\n";

static const char want_content[] = "{\"headline\":\"h\xc3\xa9llo \xe2\x80\x94 \xf0\x9f\x94\xa5 ok\"}";

static void check_stream(const struct ai_stream *s)
{
	assert_false(s->has_error);
	assert_true(s->done);
	assert_int_equal(s->clen, strlen(want_content));
	assert_memory_equal(s->content, want_content, s->clen);
	assert_string_equal(s->finish_reason, "stop");
	assert_true(s->have_usage);
	assert_int_equal(s->prompt_tokens, 900);
	assert_int_equal(s->completion_tokens, 12);
}

static void test_stream_whole(void **state)
{
	struct ai_stream s;

	ai_stream_init(&s, 4096);
	assert_int_equal(ai_stream_feed(&s, stream_text, strlen(stream_text)), 0);
	assert_int_equal(ai_stream_finish(&s), 0);
	check_stream(&s);
	ai_stream_free(&s);
}

/* Every two-chunk split, then byte by byte: chunks end anywhere, even
 * inside "data:", inside an escape, inside a UTF-8 character. */
static void test_stream_every_split(void **state)
{
	size_t n = strlen(stream_text);

	for (size_t cut = 0; cut <= n; cut++) {
		struct ai_stream s;

		ai_stream_init(&s, 4096);
		assert_int_equal(ai_stream_feed(&s, stream_text, cut), 0);
		assert_int_equal(ai_stream_feed(&s, stream_text + cut, n - cut), 0);
		assert_int_equal(ai_stream_finish(&s), 0);
		check_stream(&s);
		ai_stream_free(&s);
	}
}

static void test_stream_byte_by_byte(void **state)
{
	struct ai_stream s;

	ai_stream_init(&s, 4096);
	for (size_t i = 0; stream_text[i]; i++)
		assert_int_equal(ai_stream_feed(&s, stream_text + i, 1), 0);
	assert_int_equal(ai_stream_finish(&s), 0);
	check_stream(&s);
	ai_stream_free(&s);
}

static void test_stream_usage_empty_choices(void **state)
{
	static const char t[] = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
				"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
				"\"completion_tokens\":1}}\n\n";
	struct ai_stream s;

	ai_stream_init(&s, 4096);
	assert_int_equal(ai_stream_feed(&s, t, strlen(t)), 0);
	assert_int_equal(ai_stream_finish(&s), 0);
	assert_false(s.done); /* no [DONE]: the end of the body ends it */
	assert_string_equal(s.content, "x");
	assert_true(s.have_usage);
	assert_int_equal(s.prompt_tokens, 5);
	ai_stream_free(&s);
}

static void test_stream_error_event(void **state)
{
	static const char t[] = "data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\n"
				"data: {\"error\":{\"message\":\"model overloaded\",\"type\":"
				"\"server_error\",\"code\":\"overloaded\"}}\n\n";
	struct ai_stream s;

	ai_stream_init(&s, 4096);
	assert_int_equal(ai_stream_feed(&s, t, strlen(t)), -EPROTO);
	assert_true(s.has_error);
	assert_string_equal(s.error, "model overloaded");
	assert_string_equal(s.error_code, "overloaded");
	assert_int_equal(ai_stream_feed(&s, "data: x\n\n", 9), -EPROTO);
	ai_stream_free(&s);
}

static void test_stream_error_string(void **state)
{
	static const char t[] = "data: {\"error\":\"boom\"}\n\n";
	struct ai_stream s;

	ai_stream_init(&s, 4096);
	assert_int_equal(ai_stream_feed(&s, t, strlen(t)), -EPROTO);
	assert_string_equal(s.error, "boom");
	ai_stream_free(&s);
}

static void test_stream_bad_chunks_and_cap(void **state)
{
	static const char t[] = "data: {not json\n\n"
				"data: [1,2]\n\n"
				"data: {\"choices\":[{\"delta\":{\"content\":\"0123456789\"}}]}\n\n";
	struct ai_stream s;

	ai_stream_init(&s, 4);
	assert_int_equal(ai_stream_feed(&s, t, strlen(t)), 0);
	assert_int_equal(s.bad_chunks, 2);
	assert_int_equal(s.clen, 4);
	assert_true(s.content_cut);
	assert_string_equal(s.content, "0123");
	ai_stream_free(&s);
}

static void test_stream_message_form(void **state)
{
	/* Some servers stream whole messages instead of deltas. */
	static const char t[] = "data: {\"choices\":[{\"message\":{\"content\":\"whole\"},"
				"\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n";
	struct ai_stream s;

	ai_stream_init(&s, 100);
	assert_int_equal(ai_stream_feed(&s, t, strlen(t)), 0);
	assert_string_equal(s.content, "whole");
	assert_string_equal(s.finish_reason, "length");
	ai_stream_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_and_comments),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_crlf_split_across_chunks),
		cmocka_unit_test(test_finish_flushes),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_stream_whole),
		cmocka_unit_test(test_stream_every_split),
		cmocka_unit_test(test_stream_byte_by_byte),
		cmocka_unit_test(test_stream_usage_empty_choices),
		cmocka_unit_test(test_stream_error_event),
		cmocka_unit_test(test_stream_error_string),
		cmocka_unit_test(test_stream_bad_chunks_and_cap),
		cmocka_unit_test(test_stream_message_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
