/*
 * libFuzzer target: hostile server output through the SSE parser, the
 * chat-completion stream, the completion envelope, the answer validator,
 * the partial headline and the error reader.
 *
 * Checks what the worker relies on: feeding the same bytes whole or in
 * arbitrary chunks gives the same result; content stays within its cap;
 * a parsed answer respects every bound and holds nothing a terminal would
 * interpret; a finding is verified only when all its ids were sent.
 *
 * Build (the Makefile's fuzz rule does the same with every engine source):
 *   clang -std=gnu11 -g -O1 -D_GNU_SOURCE -Isrc -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_ai_answer.c src/ai/ai_sse.c src/ai/ai_json.c src/ai/ai_answer.c \
 *     src/ai/ai_ids.c src/ai/ai_anon.c src/ai/ai_buf.c src/ai/ai_request.c \
 *     src/util/sanitize.c src/util/scrub.c -ljson-c -lcurl -o fuzz_ai_answer
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ai/ai_anon.h"
#include "ai/ai_answer.h"
#include "ai/ai_ids.h"
#include "ai/ai_request.h"
#include "ai/ai_sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CONTENT_MAX 4096

static void check_drawable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	assert(n < cap);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		assert(c >= 0x20 && c != 0x7f);
		assert(!(c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
			 (unsigned char)s[i + 1] <= 0x9f));
	}
}

static void check_answer(const struct ai_answer *a, const struct ai_ids *sent)
{
	assert(a->nfindings >= 0 && a->nfindings <= AI_MAX_ITEMS);
	assert(a->nsteps >= 0 && a->nsteps <= AI_MAX_ITEMS);
	assert(a->nunknowns >= 0 && a->nunknowns <= AI_MAX_ITEMS);
	assert((unsigned)a->severity < AI_SEV_MAX && (unsigned)a->confidence < AI_CONF_MAX);
	check_drawable(a->headline, sizeof(a->headline));
	check_drawable(a->app_or_infra, sizeof(a->app_or_infra));
	for (int i = 0; i < a->nfindings; i++) {
		const struct ai_finding *f = &a->findings[i];
		bool all = f->nevidence > 0;

		check_drawable(f->title, sizeof(f->title));
		check_drawable(f->category, sizeof(f->category));
		check_drawable(f->explanation, sizeof(f->explanation));
		assert(f->nevidence >= 0 && f->nevidence <= AI_MAX_EVIDENCE);
		for (int k = 0; k < f->nevidence; k++) {
			check_drawable(f->evidence[k], AI_ID_LEN);
			all &= ai_ids_has(sent, f->evidence[k]);
		}
		assert(f->verified == all);
	}
	for (int i = 0; i < a->nsteps; i++) {
		check_drawable(a->steps[i].action, sizeof(a->steps[i].action));
		check_drawable(a->steps[i].command, sizeof(a->steps[i].command));
	}
	for (int i = 0; i < a->nunknowns; i++)
		check_drawable(a->unknowns[i], sizeof(a->unknowns[i]));
}

/* The same bytes whole and in chunks cut by the input itself. */
static void fuzz_stream(const uint8_t *data, size_t size, uint8_t seed)
{
	struct ai_stream whole, parts;
	int rw, rp = 0;
	size_t i = 0;

	ai_stream_init(&whole, CONTENT_MAX);
	ai_stream_init(&parts, CONTENT_MAX);
	rw = ai_stream_feed(&whole, (const char *)data, size);
	if (!rw)
		rw = ai_stream_finish(&whole);
	while (i < size && !rp) {
		size_t n = 1 + (size_t)((seed = (uint8_t)(seed * 37 + 11)) % 17);

		if (n > size - i)
			n = size - i;
		rp = ai_stream_feed(&parts, (const char *)data + i, n);
		i += n;
	}
	if (!rp)
		rp = ai_stream_finish(&parts);
	assert(whole.clen <= CONTENT_MAX && parts.clen <= CONTENT_MAX);
	if (rw != -E2BIG && rp != -E2BIG) {
		assert(rw == rp);
		assert(whole.clen == parts.clen);
		assert(!whole.clen || !memcmp(whole.content, parts.content, whole.clen));
		assert(whole.done == parts.done && whole.has_error == parts.has_error);
		assert(!strcmp(whole.finish_reason, parts.finish_reason));
	}
	ai_stream_free(&whole);
	ai_stream_free(&parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ai_ids sent;
	static struct ai_anon *anon;
	struct ai_completion comp;
	struct ai_error_info e;
	struct ai_answer *a = malloc(sizeof(*a));
	char *text = malloc(size + 1), err[128], partial[256];
	size_t half = size / 2;

	if (!a || !text || size < 1)
		goto out;
	if (!anon)
		anon = ai_anon_new();
	memcpy(text, data, size);
	text[size] = '\0';
	/* the ids "sent": whatever the first half mentions */
	ai_ids_clear(&sent);
	text[half] = '\0';
	ai_ids_scan(&sent, text);
	text[half] = (char)data[half];

	fuzz_stream(data + 1, size - 1, data[0]);
	if (!ai_answer_parse(text, size, data[0] & 1, &sent, (data[0] & 2) ? anon : NULL, a, err,
			     sizeof(err)))
		check_answer(a, &sent);
	if (!ai_completion_parse(text, size, &comp, err, sizeof(err))) {
		if (!ai_answer_parse(comp.content, comp.len, false, &sent, NULL, a, err, sizeof(err)))
			check_answer(a, &sent);
		ai_completion_free(&comp);
	}
	ai_partial_headline(text, size, partial, sizeof(partial));
	check_drawable(partial, sizeof(partial));
	ai_error_parse(text, size, &e);
	assert(strnlen(e.message, sizeof(e.message)) < sizeof(e.message));
	ai_retry_after_parse(text, 1700000000);
out:
	free(a);
	free(text);
	return 0;
}
