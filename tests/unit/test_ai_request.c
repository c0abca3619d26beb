/* Unit tests for the request body, error reading, retry rules and backoff
 * (src/ai/ai_request.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ai/ai_json.h"
#include "ai/ai_request.h"

static json_object *body_of(const struct ai_body_opts *o)
{
	size_t len = 0;
	char *s = ai_request_body(o, &len);
	json_object *j;

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	j = ai_json_parse(s, len);
	assert_non_null(j);
	free(s);
	return j;
}

static json_object *path(json_object *o, const char *a, const char *b)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return v;
}

static void test_body_schema(void **state)
{
	struct ai_body_opts o = { .model = "llama3", .system = "sys", .user = "<data>\n\"q\"\n</data>",
				  .max_tokens = 800, .stream = true, .fmt = AI_FMT_JSON_SCHEMA };
	json_object *b = body_of(&o), *msgs, *m, *rf, *schema, *v;

	assert_string_equal(json_object_get_string(path(b, "model", NULL)), "llama3");
	msgs = path(b, "messages", NULL);
	assert_int_equal(json_object_array_length(msgs), 2);
	m = json_object_array_get_idx(msgs, 0);
	assert_string_equal(ai_json_str(m, "role"), "system");
	m = json_object_array_get_idx(msgs, 1);
	assert_string_equal(ai_json_str(m, "role"), "user");
	assert_string_equal(ai_json_str(m, "content"), "<data>\n\"q\"\n</data>");
	assert_true(json_object_get_double(path(b, "temperature", NULL)) > 0.09);
	assert_true(json_object_get_double(path(b, "temperature", NULL)) < 0.11);
	assert_int_equal(json_object_get_int(path(b, "max_tokens", NULL)), 800);
	assert_null(path(b, "max_completion_tokens", NULL));
	assert_true(json_object_get_boolean(path(b, "stream", NULL)));
	assert_true(json_object_get_boolean(path(b, "stream_options", "include_usage")));
	rf = path(b, "response_format", NULL);
	assert_string_equal(ai_json_str(rf, "type"), "json_schema");
	/* the nested form: llama.cpp ignores a flat "schema" */
	assert_true(json_object_get_boolean(path(rf, "json_schema", "strict")));
	assert_string_equal(json_object_get_string(path(rf, "json_schema", "name")),
			    "perflens_insight");
	schema = path(rf, "json_schema", "schema");
	assert_false(json_object_get_boolean(path(schema, "additionalProperties", NULL)));
	v = path(schema, "required", NULL);
	assert_int_equal(json_object_array_length(v), 7);
	v = path(path(schema, "properties", "findings"), "maxItems", NULL);
	assert_int_equal(json_object_get_int(v), 3);
	json_object_put(b);
}

static void test_body_fallbacks(void **state)
{
	struct ai_body_opts o = { .model = "m", .system = "s", .user = "u", .max_tokens = 100,
				  .fmt = AI_FMT_JSON_OBJECT, .max_completion_tokens = true,
				  .no_temperature = true };
	json_object *b = body_of(&o);

	assert_string_equal(json_object_get_string(path(b, "response_format", "type")),
			    "json_object");
	assert_int_equal(json_object_get_int(path(b, "max_completion_tokens", NULL)), 100);
	assert_null(path(b, "max_tokens", NULL));
	assert_null(path(b, "temperature", NULL));
	assert_false(json_object_get_boolean(path(b, "stream", NULL)));
	assert_null(path(b, "stream_options", NULL));
	json_object_put(b);
	o.fmt = AI_FMT_PLAIN;
	b = body_of(&o);
	assert_null(path(b, "response_format", NULL));
	json_object_put(b);
}

static void test_error_parse(void **state)
{
	struct ai_error_info e;
	static const char openai[] = "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' "
				     "is not supported with this model. Use 'max_completion_tokens' "
				     "instead.\",\"type\":\"invalid_request_error\",\"param\":"
				     "\"max_tokens\",\"code\":\"unsupported_parameter\"}}";
	static const char vllm[] = "{\"object\":\"error\",\"message\":\"bad model\",\"type\":"
				   "\"NotFoundError\",\"param\":null,\"code\":404}";

	ai_error_parse(openai, strlen(openai), &e);
	assert_string_equal(e.param, "max_tokens");
	assert_string_equal(e.code, "unsupported_parameter");
	assert_string_equal(e.type, "invalid_request_error");
	ai_error_parse(vllm, strlen(vllm), &e);
	assert_string_equal(e.message, "bad model");
	assert_string_equal(e.code, "404");
	assert_string_equal(e.param, "");
	ai_error_parse("{\"error\":\"Model is overloaded\"}", 31, &e);
	assert_string_equal(e.message, "Model is overloaded");
	ai_error_parse("{\"detail\":\"Not Found\"}", 22, &e);
	assert_string_equal(e.message, "Not Found");
	ai_error_parse("<html>\n<h1>502</h1>", 19, &e);
	assert_string_equal(e.message, "<html>");
	ai_error_parse(NULL, 0, &e);
	assert_string_equal(e.message, "");
}

static enum ai_verdict classify(long status, const char *body, enum ai_format fmt)
{
	struct ai_error_info e;

	ai_error_parse(body, strlen(body), &e);
	return ai_classify(status, false, &e, fmt);
}

static void test_classify(void **state)
{
	static const char quota[] = "{\"error\":{\"message\":\"You exceeded your current quota\","
				    "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}";
	static const char rate[] = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":"
				   "\"requests\",\"code\":\"rate_limit_exceeded\"}}";
	static const char maxtok[] = "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens'"
				     "\",\"param\":\"max_tokens\",\"code\":\"unsupported_parameter\"}}";
	static const char temp[] = "{\"error\":{\"message\":\"Unsupported value: 'temperature' "
				   "does not support 0.1\",\"param\":\"temperature\",\"code\":"
				   "\"unsupported_value\"}}";
	static const char rf[] = "{\"error\":{\"message\":\"Invalid parameter: 'response_format' "
				 "of type 'json_schema' is not supported with this model.\","
				 "\"param\":\"response_format\"}}";
	struct ai_error_info none = { 0 };

	assert_int_equal(classify(200, "", AI_FMT_JSON_SCHEMA), AI_V_OK);
	assert_int_equal(classify(429, rate, AI_FMT_JSON_SCHEMA), AI_V_RETRY);
	assert_int_equal(classify(429, quota, AI_FMT_JSON_SCHEMA), AI_V_FINAL);
	assert_int_equal(classify(408, "", AI_FMT_JSON_SCHEMA), AI_V_RETRY);
	assert_int_equal(classify(500, "", AI_FMT_JSON_SCHEMA), AI_V_RETRY);
	assert_int_equal(classify(503, "", AI_FMT_JSON_SCHEMA), AI_V_RETRY);
	assert_int_equal(classify(529, "", AI_FMT_JSON_SCHEMA), AI_V_RETRY);
	assert_int_equal(classify(401, "{\"error\":{\"message\":\"bad key\"}}", AI_FMT_PLAIN),
			 AI_V_FINAL);
	assert_int_equal(classify(403, "", AI_FMT_PLAIN), AI_V_FINAL);
	assert_int_equal(classify(404, "", AI_FMT_PLAIN), AI_V_FINAL);
	assert_int_equal(classify(422, "", AI_FMT_PLAIN), AI_V_FINAL);
	assert_int_equal(classify(302, "", AI_FMT_PLAIN), AI_V_FINAL); /* redirects not followed */
	assert_int_equal(classify(400, "{\"error\":\"bad\"}", AI_FMT_JSON_SCHEMA), AI_V_FINAL);
	assert_int_equal(classify(400, maxtok, AI_FMT_JSON_SCHEMA), AI_V_MAX_COMPLETION);
	assert_int_equal(classify(400, temp, AI_FMT_JSON_SCHEMA), AI_V_NO_TEMPERATURE);
	assert_int_equal(classify(400, rf, AI_FMT_JSON_SCHEMA), AI_V_DOWNGRADE);
	assert_int_equal(classify(400, rf, AI_FMT_JSON_OBJECT), AI_V_DOWNGRADE);
	assert_int_equal(classify(400, rf, AI_FMT_PLAIN), AI_V_FINAL);
	assert_int_equal(ai_classify(0, true, &none, AI_FMT_PLAIN), AI_V_RETRY);
}

static void test_retry_after(void **state)
{
	time_t now = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */

	assert_true(ai_retry_after_parse("2", now) == 2.0);
	assert_true(ai_retry_after_parse(" 1.5\r\n", now) == 1.5);
	assert_true(ai_retry_after_parse("Tue, 14 Nov 2023 22:13:50 GMT", now) == 30.0);
	assert_true(ai_retry_after_parse("Tue, 14 Nov 2023 22:00:00 GMT", now) == 0.0);
	assert_true(ai_retry_after_parse("", now) < 0);
	assert_true(ai_retry_after_parse("soon", now) < 0);
	assert_true(ai_retry_after_parse("-4", now) < 0);
	assert_true(ai_retry_after_parse("3 apples", now) < 0);
	assert_true(ai_retry_after_parse(NULL, now) < 0);
}

static void test_backoff(void **state)
{
	uint64_t seed = 42;

	for (int i = 0; i < 200; i++) {
		uint64_t a = ai_backoff_ms(1, -1, &seed), b = ai_backoff_ms(2, -1, &seed);
		uint64_t c = ai_backoff_ms(12, -1, &seed), r = ai_backoff_ms(1, 2.0, &seed);

		assert_true(a >= 500 && a <= 1000);
		assert_true(b >= 1000 && b <= 2000);
		assert_true(c >= 15000 && c <= 30000);
		assert_true(r >= 2000 && r < 2250); /* never earlier than Retry-After */
	}
	assert_true(ai_backoff_ms(1, 1e300, &seed) >= 86400000ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_schema),
		cmocka_unit_test(test_body_fallbacks),
		cmocka_unit_test(test_error_parse),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
