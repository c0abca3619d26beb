#include "ai_request.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ai_json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TEMPERATURE 0.1 /* analysis, not prose: near-deterministic */
#define BACKOFF_BASE_MS 1000
#define BACKOFF_CAP_MS 30000
#define RETRY_JITTER_MS 250

const char *ai_format_name(enum ai_format f)
{
	static const char *const names[] = { "json_schema", "json_object", "plain" };

	return (unsigned)f < ARRAY_SIZE(names) ? names[f] : "?";
}

/* ---- the schema ---------------------------------------------------------- */

static json_object *type_of(const char *type)
{
	json_object *o = json_object_new_object();

	ai_json_add(o, "type", json_object_new_string(type));
	return o;
}

static json_object *enum_of(const char *const *names, size_t n)
{
	json_object *o = type_of("string"), *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(names[i]));
	ai_json_add(o, "enum", arr);
	return o;
}

static json_object *array_of(json_object *items, int max)
{
	json_object *o = type_of("array");

	ai_json_add(o, "items", items);
	if (max)
		ai_json_add(o, "maxItems", json_object_new_int(max));
	return o;
}

/* Strict mode: every property required, nothing else allowed. */
static json_object *object_of(const char *const *keys, json_object **props, size_t n)
{
	json_object *o = type_of("object"), *p = json_object_new_object();
	json_object *req = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		ai_json_add(p, keys[i], props[i]);
		json_object_array_add(req, json_object_new_string(keys[i]));
	}
	ai_json_add(o, "properties", p);
	ai_json_add(o, "required", req);
	ai_json_add(o, "additionalProperties", json_object_new_boolean(0));
	return o;
}

static json_object *finding_schema(void)
{
	static const char *const keys[] = { "title", "category", "certainty", "evidence",
					    "explanation" };
	static const char *const cert[] = { "observed", "likely", "speculative" };
	json_object *props[] = { type_of("string"), type_of("string"), enum_of(cert, 3),
				 array_of(type_of("string"), 0), type_of("string") };

	return object_of(keys, props, ARRAY_SIZE(keys));
}

static json_object *step_schema(void)
{
	static const char *const keys[] = { "action", "command", "risk" };
	static const char *const risk[] = { "read_only", "config_change", "disruptive" };
	json_object *cmd = json_object_new_object(), *types = json_object_new_array();
	json_object *props[3];

	json_object_array_add(types, json_object_new_string("string"));
	json_object_array_add(types, json_object_new_string("null"));
	ai_json_add(cmd, "type", types);
	props[0] = type_of("string");
	props[1] = cmd;
	props[2] = enum_of(risk, 3);
	return object_of(keys, props, ARRAY_SIZE(keys));
}

json_object *ai_answer_schema(void)
{
	static const char *const keys[] = { "headline", "severity", "confidence", "findings",
					    "next_steps", "app_or_infra", "unknowns" };
	static const char *const sev[] = { "ok", "info", "warning", "critical" };
	static const char *const conf[] = { "low", "medium", "high" };
	static const char *const scope[] = { "app", "infra", "both", "unknown" };
	json_object *headline = type_of("string");
	json_object *props[7];

	/* maxLength is not in every server's strict subset: checked client-side. */
	ai_json_add(headline, "description", json_object_new_string("at most 120 characters"));
	props[0] = headline;
	props[1] = enum_of(sev, 4);
	props[2] = enum_of(conf, 3);
	props[3] = array_of(finding_schema(), 3);
	props[4] = array_of(step_schema(), 3);
	props[5] = enum_of(scope, 4);
	props[6] = array_of(type_of("string"), 3);
	return object_of(keys, props, ARRAY_SIZE(keys));
}

/* ---- the body ------------------------------------------------------------------ */

static json_object *message(const char *role, const char *content)
{
	json_object *m = json_object_new_object();

	ai_json_add(m, "role", json_object_new_string(role));
	ai_json_add(m, "content", json_object_new_string(content));
	return m;
}

static json_object *response_format(enum ai_format fmt)
{
	json_object *rf, *js;

	if (fmt == AI_FMT_PLAIN)
		return NULL;
	rf = json_object_new_object();
	if (fmt == AI_FMT_JSON_OBJECT) {
		ai_json_add(rf, "type", json_object_new_string("json_object"));
		return rf;
	}
	js = json_object_new_object();
	ai_json_add(js, "name", json_object_new_string("perflens_insight"));
	ai_json_add(js, "strict", json_object_new_boolean(1));
	ai_json_add(js, "schema", ai_answer_schema());
	ai_json_add(rf, "type", json_object_new_string("json_schema"));
	ai_json_add(rf, "json_schema", js);
	return rf;
}

char *ai_request_body(const struct ai_body_opts *o, size_t *len)
{
	json_object *body = json_object_new_object(), *msgs = json_object_new_array();
	json_object *rf = response_format(o->fmt);
	const char *text;
	char *out = NULL;

	if (!body || !msgs)
		goto out;
	json_object_array_add(msgs, message("system", o->system));
	json_object_array_add(msgs, message("user", o->user));
	ai_json_add(body, "model", json_object_new_string(o->model));
	ai_json_add(body, "messages", msgs);
	msgs = NULL;
	if (!o->no_temperature)
		ai_json_add(body, "temperature", json_object_new_double(TEMPERATURE));
	ai_json_add(body, o->max_completion_tokens ? "max_completion_tokens" : "max_tokens",
		    json_object_new_int((int)o->max_tokens));
	ai_json_add(body, "stream", json_object_new_boolean(o->stream));
	if (o->stream) {
		json_object *so = json_object_new_object();

		ai_json_add(so, "include_usage", json_object_new_boolean(1));
		ai_json_add(body, "stream_options", so);
	}
	if (rf)
		ai_json_add(body, "response_format", rf);
	rf = NULL;
	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	out = text ? strdup(text) : NULL;
	if (out && len)
		*len = strlen(out);
out:
	json_object_put(rf);
	json_object_put(msgs);
	json_object_put(body);
	return out;
}

/* ---- errors ------------------------------------------------------------------------- */

static void copy_str(char *dst, size_t sz, json_object *v)
{
	if (v && !json_object_is_type(v, json_type_null))
		snprintf(dst, sz, "%s", json_object_get_string(v));
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The first line of a non-JSON body (an HTML error page, a proxy's text). */
static void text_message(const char *body, size_t len, struct ai_error_info *e)
{
	size_t n = 0;

	while (n < len && body[n] && body[n] != '\n' && n < sizeof(e->message) - 1)
		n++;
	snprintf(e->message, sizeof(e->message), "%.*s", (int)n, body);
}

void ai_error_parse(const char *body, size_t len, struct ai_error_info *e)
{
	json_object *root, *err, *src;

	memset(e, 0, sizeof(*e));
	if (!body || !len)
		return;
	root = ai_json_parse(body, len);
	if (!root) {
		text_message(body, len, e);
		return;
	}
	err = member(root, "error");
	src = err && json_object_is_type(err, json_type_object) ? err : root;
	if (err && json_object_is_type(err, json_type_string))
		copy_str(e->message, sizeof(e->message), err);
	else
		copy_str(e->message, sizeof(e->message), member(src, "message"));
	if (!e->message[0])
		copy_str(e->message, sizeof(e->message), member(root, "detail"));
	copy_str(e->type, sizeof(e->type), member(src, "type"));
	copy_str(e->code, sizeof(e->code), member(src, "code"));
	copy_str(e->param, sizeof(e->param), member(src, "param"));
	json_object_put(root);
}

static bool mentions(const struct ai_error_info *e, const char *what)
{
	return strstr(e->param, what) || strcasestr(e->message, what);
}

static enum ai_verdict classify_400(const struct ai_error_info *e, enum ai_format fmt)
{
	bool unsupported = !strcmp(e->code, "unsupported_parameter") ||
			   !strcmp(e->code, "unsupported_value") ||
			   strcasestr(e->message, "not supported") ||
			   strcasestr(e->message, "unsupported");

	if (mentions(e, "max_tokens") && (unsupported || mentions(e, "max_completion_tokens")))
		return AI_V_MAX_COMPLETION;
	if (mentions(e, "temperature") && unsupported)
		return AI_V_NO_TEMPERATURE;
	if (fmt != AI_FMT_PLAIN && (mentions(e, "response_format") || mentions(e, "json_schema")))
		return AI_V_DOWNGRADE;
	return AI_V_FINAL;
}

enum ai_verdict ai_classify(long status, bool transport_error, const struct ai_error_info *e,
			    enum ai_format fmt)
{
	if (transport_error || status == 0)
		return AI_V_RETRY;
	if (status >= 200 && status < 300)
		return AI_V_OK;
	if (status == 429)
		return !strcmp(e->code, "insufficient_quota") || !strcmp(e->type, "insufficient_quota")
			       ? AI_V_FINAL : AI_V_RETRY;
	if (status == 408 || status >= 500)
		return AI_V_RETRY; /* 5xx includes 529 "overloaded" */
	if (status == 400)
		return classify_400(e, fmt);
	if (status == 422 && fmt != AI_FMT_PLAIN &&
	    (mentions(e, "response_format") || mentions(e, "json_schema")))
		return AI_V_DOWNGRADE;
	return AI_V_FINAL;
}

const char *ai_verdict_name(enum ai_verdict v)
{
	static const char *const names[] = { "ok", "retry", "final", "max_completion_tokens",
					     "no_temperature", "downgrade" };

	return (unsigned)v < ARRAY_SIZE(names) ? names[v] : "?";
}

/* ---- waiting ------------------------------------------------------------------------ */

double ai_retry_after_parse(const char *value, time_t now)
{
	char *end;
	double s;
	time_t t;

	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (!*value)
		return -1;
	s = strtod(value, &end);
	if (end != value) {
		while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
			end++;
		return *end || s < 0 || s != s ? -1 : s;
	}
	t = curl_getdate(value, NULL);
	if (t == (time_t)-1)
		return -1;
	return t > now ? (double)(t - now) : 0;
}

static uint64_t next_rand(uint64_t *seed)
{
	/* xorshift64*: plenty for jitter; the seed is per worker */
	uint64_t x = *seed ? *seed : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*seed = x;
	return x * 0x2545f4914f6cdd1dull;
}

uint64_t ai_backoff_ms(int attempt, double retry_after_s, uint64_t *seed)
{
	uint64_t step = BACKOFF_BASE_MS, half;

	for (int i = 1; i < attempt && step < BACKOFF_CAP_MS; i++)
		step *= 2;
	if (step > BACKOFF_CAP_MS)
		step = BACKOFF_CAP_MS;
	if (retry_after_s > 86400)
		retry_after_s = 86400; /* keeps the conversion defined; the worker pauses long before */
	if (retry_after_s >= 0)
		return (uint64_t)(retry_after_s * 1000.0 + 0.999) + next_rand(seed) % RETRY_JITTER_MS;
	half = step / 2;
	return half + next_rand(seed) % (step - half + 1);
}
