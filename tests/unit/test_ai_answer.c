/* Unit tests for the answer validator and evidence ids (src/ai/ai_answer.c,
 * src/ai/ai_ids.c, src/ai/ai_anon.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ai/ai_anon.h"
#include "ai/ai_answer.h"
#include "ai/ai_ids.h"

static const char good[] =
	"{\"headline\":\"postgres reads on sda wait 48 ms at p99\",\"severity\":\"warning\","
	"\"confidence\":\"medium\",\"findings\":[{\"title\":\"Slow reads\",\"category\":\"disk\","
	"\"certainty\":\"observed\",\"evidence\":[\"io#1\",\"pid:1234\"],\"explanation\":\"p99 48ms\"},"
	"{\"title\":\"Made up\",\"category\":\"disk\",\"certainty\":\"likely\",\"evidence\":[\"io#99\"],"
	"\"explanation\":\"x\"},{\"title\":\"No ids\",\"category\":\"app\",\"certainty\":"
	"\"speculative\",\"evidence\":[],\"explanation\":\"y\"}],\"next_steps\":[{\"action\":\"Look at "
	"the queue\",\"command\":\"iostat -x 1 5\",\"risk\":\"read_only\"},{\"action\":\"Think\","
	"\"command\":null,\"risk\":\"read_only\"}],\"app_or_infra\":\"infra\",\"unknowns\":"
	"[\"whether it is cached\"]}";

static struct ai_ids *sent_ids(void)
{
	static struct ai_ids ids;

	ai_ids_clear(&ids);
	ai_ids_scan(&ids, "[io] io#1 pid:1234 postgres read file x\nstk#2 slow pid:77\n");
	return &ids;
}

static void test_good_answer(void **state)
{
	struct ai_answer a;
	char err[128] = "";

	assert_int_equal(ai_answer_parse(good, strlen(good), false, sent_ids(), NULL, &a, err,
					 sizeof(err)), 0);
	assert_string_equal(a.headline, "postgres reads on sda wait 48 ms at p99");
	assert_int_equal(a.severity, AI_SEV_WARNING);
	assert_int_equal(a.confidence, AI_CONF_MEDIUM);
	assert_int_equal(a.nfindings, 3);
	assert_true(a.findings[0].verified);
	assert_int_equal(a.findings[0].nevidence, 2);
	assert_false(a.findings[1].verified); /* io#99 was never sent */
	assert_false(a.findings[1].evidence_sent[0]);
	assert_false(a.findings[2].verified); /* no evidence at all */
	assert_int_equal(a.unverified, 2);
	assert_int_equal(a.nsteps, 2);
	assert_true(a.steps[0].has_command);
	assert_string_equal(a.steps[0].command, "iostat -x 1 5");
	assert_false(a.steps[1].has_command);
	assert_string_equal(a.app_or_infra, "infra");
	assert_int_equal(a.nunknowns, 1);
	assert_false(a.truncated);
	assert_int_equal(a.dropped, 0);
}

static void test_json_output(void **state)
{
	struct ai_answer a;
	json_object *o, *f, *v;

	assert_int_equal(ai_answer_parse(good, strlen(good), false, sent_ids(), NULL, &a, NULL, 0), 0);
	o = ai_answer_json(&a);
	assert_true(json_object_object_get_ex(o, "findings", &f));
	v = json_object_array_get_idx(f, 1);
	assert_true(json_object_object_get_ex(v, "verified", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "severity", &v));
	assert_string_equal(json_object_get_string(v), "warning");
	json_object_put(o);
}

static void test_prose_and_fences(void **state)
{
	static const char t[] = "Sure! Here is the analysis:\n```json\n{\"headline\":\"a {brace} "
				"in \\\"text\\\"\",\"severity\":\"ok\",\"confidence\":\"low\"}\n```\n"
				"{\"headline\":\"second\"}";
	struct ai_answer a;

	assert_int_equal(ai_answer_parse(t, strlen(t), false, NULL, NULL, &a, NULL, 0), 0);
	assert_string_equal(a.headline, "a {brace} in \"text\"");
	assert_int_equal(a.nfindings, 0); /* missing arrays are empty */
	assert_string_equal(a.app_or_infra, "unknown");
}

static void test_double_encoded(void **state)
{
	static const char t[] = "\"{\\\"headline\\\":\\\"x\\\",\\\"severity\\\":\\\"info\\\","
				"\\\"confidence\\\":\\\"high\\\"}\"";
	struct ai_answer a;

	assert_int_equal(ai_answer_parse(t, strlen(t), false, NULL, NULL, &a, NULL, 0), 0);
	assert_int_equal(a.severity, AI_SEV_INFO);
}

static void expect_bad(const char *t, const char *why)
{
	struct ai_answer a;
	char err[128] = "";

	assert_int_equal(ai_answer_parse(t, strlen(t), false, NULL, NULL, &a, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, why));
}

static void test_invalid(void **state)
{
	expect_bad("not json at all", "not a JSON object");
	expect_bad("{\"severity\":\"ok\",\"confidence\":\"low\"}", "headline");
	expect_bad("{\"headline\":\"  \",\"severity\":\"ok\",\"confidence\":\"low\"}", "headline");
	expect_bad("{\"headline\":\"x\",\"severity\":\"fatal\",\"confidence\":\"low\"}", "severity");
	expect_bad("{\"headline\":\"x\",\"severity\":\"ok\",\"confidence\":7}", "confidence");
	expect_bad("{\"headline\":\"x\",\"severity\":\"ok\",\"confidence\":\"low\",\"findings\":{}}",
		   "array");
	expect_bad("[1,2,3]", "not a JSON object");
}

static void test_truncated(void **state)
{
	static const char t[] = "{\"headline\":\"the disk is sl";
	struct ai_answer a;
	char err[128] = "";

	assert_int_equal(ai_answer_parse(t, strlen(t), true, NULL, NULL, &a, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "cut off"));
	assert_int_equal(ai_answer_parse(good, strlen(good), true, NULL, NULL, &a, NULL, 0), 0);
	assert_true(a.truncated);
}

static void test_bounds_and_drops(void **state)
{
	char t[4096];
	struct ai_answer a;
	char head[400];

	/* 130 two-byte characters: cut to 120 characters, not 120 bytes */
	head[0] = '\0';
	for (int i = 0; i < 130; i++)
		strcat(head, "\xc3\xa9");
	snprintf(t, sizeof(t),
		 "{\"headline\":\"%s\",\"severity\":\"critical\",\"confidence\":\"high\","
		 "\"findings\":[{\"title\":\"a\",\"certainty\":\"maybe\",\"evidence\":[]},"
		 "{\"title\":\"b\",\"certainty\":\"observed\",\"evidence\":[\"pid:1\"]},"
		 "{\"title\":\"c\",\"certainty\":\"observed\",\"evidence\":[\"pid:1\"]},"
		 "{\"title\":\"d\",\"certainty\":\"observed\",\"evidence\":[\"pid:1\"]},"
		 "{\"title\":\"e\",\"certainty\":\"observed\",\"evidence\":[\"pid:1\"]}],"
		 "\"next_steps\":[{\"action\":\"x\",\"risk\":\"yolo\"},{\"action\":\"y\","
		 "\"risk\":\"disruptive\"}],\"unknowns\":[1,\"u\",\"v\",\"w\",\"z\"],"
		 "\"app_or_infra\":\"weird\"}", head);
	assert_int_equal(ai_answer_parse(t, strlen(t), false, NULL, NULL, &a, NULL, 0), 0);
	assert_true(a.headline_cut);
	assert_int_equal(strlen(a.headline), 240);
	assert_int_equal(a.nfindings, 3);
	assert_string_equal(a.findings[0].title, "b");
	assert_int_equal(a.nsteps, 1);
	assert_int_equal(a.steps[0].risk, AI_RISK_DISRUPTIVE);
	assert_int_equal(a.nunknowns, 3);
	assert_string_equal(a.app_or_infra, "unknown");
	/* findings: 1 bad + 1 over; steps: 1 bad; unknowns: 1 bad + 1 over */
	assert_int_equal(a.dropped, 5);
}

static void assert_drawable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		assert_true(*p >= 0x20 && *p != 0x7f);
		assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
	}
}

static void test_escape_sequences(void **state)
{
	static const char t[] =
		"{\"headline\":\"\\u001b[2J\\u001b]0;pwned\\u0007 clear\",\"severity\":\"ok\","
		"\"confidence\":\"low\",\"findings\":[{\"title\":\"\\u009b31m red\",\"category\":"
		"\"\\u001bP\",\"certainty\":\"observed\",\"evidence\":[\"\\u001b[1m\"],"
		"\"explanation\":\"bad \\u00ff utf \xff\xfe\"}],\"next_steps\":[{\"action\":\"\\r\\n\","
		"\"command\":\"rm -rf / \\u001b[8m\",\"risk\":\"disruptive\"}],\"unknowns\":"
		"[\"\\u001b\"]}";
	struct ai_answer a;

	assert_int_equal(ai_answer_parse(t, strlen(t), false, NULL, NULL, &a, NULL, 0), 0);
	assert_drawable(a.headline);
	assert_non_null(strstr(a.headline, "^[")); /* shown, not interpreted */
	assert_drawable(a.findings[0].title);
	assert_drawable(a.findings[0].category);
	assert_drawable(a.findings[0].evidence[0]);
	assert_drawable(a.findings[0].explanation);
	assert_drawable(a.steps[0].action);
	assert_drawable(a.steps[0].command);
	assert_drawable(a.unknowns[0]);
	assert_non_null(strstr(a.findings[0].explanation, "\xef\xbf\xbd")); /* U+FFFD */
}

static void test_completion(void **state)
{
	static const char body[] =
		"{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
		"\"content\":\"{\\\"headline\\\":\\\"h\\\"}\"},\"finish_reason\":\"length\"}],"
		"\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3}}";
	struct ai_completion c;
	char err[128];

	assert_int_equal(ai_completion_parse(body, strlen(body), &c, err, sizeof(err)), 0);
	assert_string_equal(c.content, "{\"headline\":\"h\"}");
	assert_string_equal(c.finish_reason, "length");
	assert_true(c.have_usage);
	assert_int_equal(c.prompt_tokens, 10);
	ai_completion_free(&c);
	assert_int_equal(ai_completion_parse("{\"choices\":[]}", 14, &c, err, sizeof(err)), -EBADMSG);
	assert_int_equal(ai_completion_parse("{\"choices\":[{\"message\":{\"content\":null}}]}", 43,
					     &c, err, sizeof(err)), -EBADMSG);
	assert_int_equal(ai_completion_parse("<html>", 6, &c, err, sizeof(err)), -EBADMSG);
}

static void test_partial_headline(void **state)
{
	static const char t[] = "{\"headline\": \"Disk \\\"sda\\\" is sat\\u00fcr\\u001b";
	char out[128];

	for (size_t n = 0; n < 13; n++)
		assert_int_equal(ai_partial_headline(t, n, out, sizeof(out)), 0);
	ai_partial_headline(t, strlen(t), out, sizeof(out));
	assert_string_equal(out, "Disk \"sda\" is sat\xc3\xbcr^[");
	/* a half escape at the end is left out, never misread */
	ai_partial_headline(t, strlen(t) - 3, out, sizeof(out));
	assert_string_equal(out, "Disk \"sda\" is sat\xc3\xbcr");
}

static void test_extract_object(void **state)
{
	static const char t[] = "x } { \"a\": \"}\\\"{\", \"b\": {\"c\": 1} } tail";
	size_t start, len;

	assert_true(ai_extract_object(t, strlen(t), &start, &len));
	assert_int_equal(start, 4);
	assert_memory_equal(t + start + len - 1, "}", 1);
	assert_int_equal(t[start + len], ' ');
	assert_false(ai_extract_object("{\"open", 6, &start, &len));
	assert_false(ai_extract_object("none", 4, &start, &len));
}

static void test_ids(void **state)
{
	struct ai_ids ids;
	char out[AI_ID_LEN];

	ai_ids_clear(&ids);
	ai_ids_scan(&ids, "io#3 pid:12 ratio#4 xpid:9 stk#2: dev#1 hot#10\nIO#7 pid:1x");
	assert_int_equal(ids.n, 6);
	assert_true(ai_ids_has(&ids, "io#3"));
	assert_true(ai_ids_has(&ids, "[io#3]"));
	assert_true(ai_ids_has(&ids, "PID 12"));
	assert_true(ai_ids_has(&ids, "pid=12"));
	assert_true(ai_ids_has(&ids, "pid12"));
	assert_true(ai_ids_has(&ids, "stk#2 (wait stack)"));
	assert_true(ai_ids_has(&ids, "io#7"));
	assert_false(ai_ids_has(&ids, "io#4"));
	assert_false(ai_ids_has(&ids, "pid:9"));
	assert_false(ai_ids_has(&ids, "pid:1"));
	assert_false(ai_id_normalize("the disk", out, sizeof(out)));
	assert_true(ai_id_normalize("Hot #10", out, sizeof(out)));
	assert_string_equal(out, "hot#10");
}

static void test_anon(void **state)
{
	struct ai_anon *an = ai_anon_new();
	char *t, back[256];

	assert_non_null(an);
	assert_int_equal(ai_anon_add(an, AI_ANON_HOST, "web1"), 0);
	assert_int_equal(ai_anon_add(an, AI_ANON_HOST, ""), -EINVAL);
	assert_int_equal(ai_anon_add(an, AI_ANON_USER, "a"), -EINVAL);
	t = ai_anon_apply(an, "host=web1 web10 /home/alice/x 10.1.2.3:5432 fe80::1 "
			      "std::vector 127.0.0.1 12:30:45 1.2.3.4.5");
	assert_non_null(t);
	assert_null(strstr(t, "web1 "));
	assert_non_null(strstr(t, "web10"));  /* whole words only */
	assert_null(strstr(t, "alice"));
	assert_null(strstr(t, "10.1.2.3"));
	assert_null(strstr(t, "fe80::1"));
	assert_non_null(strstr(t, "std::vector"));
	assert_non_null(strstr(t, "127.0.0.1"));
	assert_non_null(strstr(t, "12:30:45"));
	assert_non_null(strstr(t, "1.2.3.4.5"));
	ai_anon_reveal(an, t, back, sizeof(back));
	assert_string_equal(back, "host=web1 web10 /home/alice/x 10.1.2.3:5432 fe80::1 "
				  "std::vector 127.0.0.1 12:30:45 1.2.3.4.5");
	free(t);
	ai_anon_free(an);
}

static void test_anon_answer(void **state)
{
	struct ai_anon *an = ai_anon_new();
	static const char t[] = "{\"headline\":\"HOST_9 and USER_1 on IP_1\",\"severity\":\"ok\","
				"\"confidence\":\"low\"}";
	struct ai_answer a;
	char *p;

	assert_non_null(an);
	p = ai_anon_apply(an, "/home/bob/f 192.168.1.9");
	free(p);
	assert_int_equal(ai_answer_parse(t, strlen(t), false, NULL, an, &a, NULL, 0), 0);
	assert_string_equal(a.headline, "HOST_9 and bob on 192.168.1.9");
	ai_anon_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_answer),
		cmocka_unit_test(test_json_output),
		cmocka_unit_test(test_prose_and_fences),
		cmocka_unit_test(test_double_encoded),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bounds_and_drops),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_partial_headline),
		cmocka_unit_test(test_extract_object),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_anon),
		cmocka_unit_test(test_anon_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
