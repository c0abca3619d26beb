/* Unit tests for the AI answers store (src/ai/ai_store.c): bounded with
 * drops counted, newest first, reset, and the {"type":"ai"} line read back
 * as a recording holds it (verification kept, hostile text sanitized). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ai/ai_store.h"

static void fill(struct ai_record *r, double ts, const char *headline)
{
	memset(r, 0, sizeof(*r));
	r->ts = ts;
	snprintf(r->answer.headline, sizeof(r->answer.headline), "%s", headline);
	r->answer.severity = AI_SEV_WARNING;
	r->answer.confidence = AI_CONF_MEDIUM;
	snprintf(r->answer.app_or_infra, sizeof(r->answer.app_or_infra), "infra");
	r->prompt_tokens = 100;
	r->completion_tokens = 10;
}

static void test_bounded_newest_first(void **state)
{
	struct ai_store *s = ai_store_new(4);
	struct ai_record r, out[8];
	struct ai_store_stats st;
	char h[32];

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 7; i++) {
		snprintf(h, sizeof(h), "answer %d", i);
		fill(&r, 10.0 * i, h);
		ai_store_add(s, &r);
	}
	ai_store_stats(s, &st);
	assert_int_equal(st.count, 4);
	assert_int_equal(st.added, 7);
	assert_int_equal(st.dropped, 3);
	assert_int_equal(st.prompt_tokens, 700);
	assert_int_equal(st.completion_tokens, 70);
	assert_int_equal(ai_store_list(s, out, 8), 4);
	assert_string_equal(out[0].answer.headline, "answer 6");
	assert_string_equal(out[3].answer.headline, "answer 3");
	assert_true(out[0].ts > out[1].ts && out[1].ts > out[2].ts && out[2].ts > out[3].ts);
	assert_int_equal(ai_store_list(s, out, 2), 2);
	assert_string_equal(out[1].answer.headline, "answer 5");
	ai_store_free(s);
}

static void test_reset(void **state)
{
	struct ai_store *s = ai_store_new(0);
	struct ai_record r, out[1];
	struct ai_store_stats before, after;

	(void)state;
	assert_non_null(s);
	fill(&r, 1, "before the seek");
	ai_store_add(s, &r);
	ai_store_stats(s, &before);
	ai_store_reset(s);
	ai_store_stats(s, &after);
	assert_int_equal(after.count, 0);
	assert_int_equal(after.added, 0);
	assert_int_equal(after.prompt_tokens, 0);
	assert_true(after.gen != before.gen); /* readers notice */
	assert_int_equal(ai_store_list(s, out, 1), 0);
	fill(&r, 2, "after the seek");
	ai_store_add(s, &r);
	assert_int_equal(ai_store_list(s, out, 1), 1);
	assert_string_equal(out[0].answer.headline, "after the seek");
	ai_store_free(s);
}

/* What the worker writes is what a replay reads back. */
static void test_json_round_trip(void **state)
{
	struct ai_store *s = ai_store_new(0);
	struct ai_record *r = calloc(1, sizeof(*r)), *back = calloc(1, sizeof(*back));
	struct ai_finding *f;
	json_object *line;

	(void)state;
	assert_non_null(s);
	fill(r, 31.7, "postgres reads wait on sda");
	r->answer.nfindings = 1;
	f = &r->answer.findings[0];
	snprintf(f->title, sizeof(f->title), "Slow reads");
	snprintf(f->category, sizeof(f->category), "disk");
	f->certainty = AI_CERT_OBSERVED;
	f->nevidence = 3;
	snprintf(f->evidence[0], AI_ID_LEN, "pid:812");
	snprintf(f->evidence[1], AI_ID_LEN, "fnd#1");
	snprintf(f->evidence[2], AI_ID_LEN, "io#99");
	f->evidence_sent[0] = f->evidence_sent[1] = true;
	snprintf(r->resolved[0][0], AI_RESOLVED_LEN, "postgres[812]");
	snprintf(r->resolved[0][1], AI_RESOLVED_LEN, "finding: Slow storage I/O (critical)");
	r->target[0][0] = (struct ai_evidence){ .kind = AI_EV_PID, .pid = 812 };
	r->target[0][1] = (struct ai_evidence){ .kind = AI_EV_FINDING, .finding_id = 7 };
	snprintf(r->target[0][1].name, sizeof(r->target[0][1].name), "slow_storage");
	r->target[0][2] = (struct ai_evidence){ .kind = AI_EV_DEV, .pid = 1 }; /* not sent: not recorded */
	r->answer.unverified = 1;
	r->answer.nsteps = 1;
	snprintf(r->answer.steps[0].action, sizeof(r->answer.steps[0].action), "look");
	snprintf(r->answer.steps[0].command, sizeof(r->answer.steps[0].command), "iostat -x 1 5");
	r->answer.steps[0].has_command = true;
	r->latency_s = 2.14;
	r->usage_estimated = true;
	r->prompt_tokens_est = 2036;
	snprintf(r->model, sizeof(r->model), "qwen2.5:7b");
	snprintf(r->format, sizeof(r->format), "json_schema");
	line = ai_record_json(r, "label");
	assert_int_equal(ai_store_add_json(s, line), 0);
	json_object_put(line);
	assert_int_equal(ai_store_list(s, back, 1), 1);
	assert_true(back->ts > 31.69 && back->ts < 31.71);
	assert_string_equal(back->answer.headline, r->answer.headline);
	assert_int_equal(back->answer.severity, AI_SEV_WARNING);
	assert_int_equal(back->answer.nfindings, 1);
	f = &back->answer.findings[0];
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[1], "fnd#1");
	assert_true(f->evidence_sent[0] && f->evidence_sent[1]);
	assert_false(f->evidence_sent[2]);   /* never sent stays unverified */
	assert_false(f->verified);
	assert_int_equal(back->answer.unverified, 1);
	assert_string_equal(back->resolved[0][0], "postgres[812]");
	assert_string_equal(back->resolved[0][1], "finding: Slow storage I/O (critical)");
	assert_int_equal(back->target[0][0].kind, AI_EV_PID);
	assert_int_equal(back->target[0][0].pid, 812);
	assert_int_equal(back->target[0][1].kind, AI_EV_FINDING);
	assert_int_equal(back->target[0][1].finding_id, 7);
	assert_string_equal(back->target[0][1].name, "slow_storage");
	assert_int_equal(back->target[0][2].pid, 0);
	assert_string_equal(back->answer.steps[0].command, "iostat -x 1 5");
	assert_int_equal(back->prompt_tokens, 100);
	assert_true(back->usage_estimated);
	assert_int_equal(back->prompt_tokens_est, 2036);
	assert_string_equal(back->model, "qwen2.5:7b");
	assert_true(back->latency_s > 2.13 && back->latency_s < 2.15);
	free(r);
	free(back);
	ai_store_free(s);
}

/* A recording is untrusted: escapes are made visible, non-answers refused. */
static void test_hostile_recorded_lines(void **state)
{
	struct ai_store *s = ai_store_new(0);
	struct ai_record *back = calloc(1, sizeof(*back));
	struct ai_store_stats st;
	json_object *ok = json_tokener_parse(
		"{\"type\":\"ai\",\"ts\":5,\"headline\":\"disk \\u001b[2J busy\",\"severity\":\"info\","
		"\"confidence\":\"low\",\"findings\":[{\"title\":\"t\",\"certainty\":\"likely\","
		"\"evidence\":[\"pid:1\"],\"unknown_evidence\":[],\"resolved\":[\"x\\u001b]0;pwn\\u0007\"],"
		"\"explanation\":\"e\"}],\"model\":\"m\\u001b[31m\"}");
	json_object *bad_sev = json_tokener_parse(
		"{\"type\":\"ai\",\"headline\":\"h\",\"severity\":\"apocalyptic\",\"confidence\":\"low\"}");
	json_object *not_ai = json_tokener_parse("{\"type\":\"finding\",\"headline\":\"h\"}");

	(void)state;
	assert_non_null(s);
	assert_int_equal(ai_store_add_json(s, ok), 0);
	assert_int_not_equal(ai_store_add_json(s, bad_sev), 0);
	assert_int_not_equal(ai_store_add_json(s, not_ai), 0);
	assert_int_not_equal(ai_store_add_json(s, NULL), 0);
	ai_store_stats(s, &st);
	assert_int_equal(st.count, 1);
	assert_int_equal(st.rejected, 3);
	assert_int_equal(ai_store_list(s, back, 1), 1);
	assert_null(strchr(back->answer.headline, 0x1b));
	assert_null(strchr(back->resolved[0][0], 0x1b));
	assert_null(strchr(back->resolved[0][0], 0x07));
	assert_null(strchr(back->model, 0x1b));
	assert_true(back->answer.findings[0].verified);
	json_object_put(ok);
	json_object_put(bad_sev);
	json_object_put(not_ai);
	free(back);
	ai_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded_newest_first),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_hostile_recorded_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
