/*
 * The protocol around one chat completion, without the transport: the
 * request body (json-c), the answer schema, reading an error body, what
 * to do about a status, and how long to back off.  Pure functions, so
 * every rule is unit-tested.
 */
#ifndef PERFLENS_AI_REQUEST_H
#define PERFLENS_AI_REQUEST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Structured output, in the order we fall back. */
enum ai_format {
	AI_FMT_JSON_SCHEMA,  /* response_format json_schema, strict (llama.cpp reads only this form) */
	AI_FMT_JSON_OBJECT,  /* response_format json_object; the shape is in the system prompt */
	AI_FMT_PLAIN,        /* nothing; the first balanced {...} is taken */
};

struct ai_body_opts {
	const char *model;
	const char *system;
	const char *user;
	unsigned max_tokens;
	bool max_completion_tokens;  /* the name OpenAI reasoning models want */
	bool no_temperature;         /* the model refused one */
	bool stream;
	enum ai_format fmt;
};

/* The request body as a JSON string (malloc'd), or NULL on ENOMEM. */
char *ai_request_body(const struct ai_body_opts *o, size_t *len);
/* The strict answer schema (caller puts it). */
json_object *ai_answer_schema(void);
const char *ai_format_name(enum ai_format f);

/* What an error body said: OpenAI {"error":{message,type,param,code}},
 * {"error":"text"}, vLLM {"object":"error","message",...}, FastAPI
 * {"detail":...}, or plain text.  All raw: sanitize to show. */
struct ai_error_info {
	char message[300];
	char type[64];
	char code[64];
	char param[64];
};

void ai_error_parse(const char *body, size_t len, struct ai_error_info *e);

enum ai_verdict {
	AI_V_OK,
	AI_V_RETRY,               /* 408, 429 (rate), 5xx, 529, no connection: back off */
	AI_V_FINAL,               /* 401/403/404/422, other 4xx, 429 insufficient_quota */
	AI_V_MAX_COMPLETION,      /* 400 unsupported_parameter max_tokens: once */
	AI_V_NO_TEMPERATURE,      /* 400 about temperature: once */
	AI_V_DOWNGRADE,           /* 400/422 about response_format: next format */
};

/* status 0 with transport_error: the request never got an answer. */
enum ai_verdict ai_classify(long status, bool transport_error, const struct ai_error_info *e,
			    enum ai_format fmt);
const char *ai_verdict_name(enum ai_verdict v);

/* Retry-After: delta seconds (fractions allowed) or an HTTP date, relative
 * to now.  Seconds, or -1 when absent or unreadable. */
double ai_retry_after_parse(const char *value, time_t now);

/*
 * Milliseconds to wait before try `attempt` + 1 (attempt >= 1 failed
 * tries so far): exponential from 1 s with full jitter (half to all of
 * the step), capped at 30 s; at least retry_after_s when the server gave
 * one (plus up to 250 ms, so clients told the same do not return in
 * step).  seed: caller-owned PRNG state.
 */
uint64_t ai_backoff_ms(int attempt, double retry_after_s, uint64_t *seed);

#endif
