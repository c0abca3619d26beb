/*
 * The model's answer: parsed, validated and made safe to draw.
 *
 * choices[0].message.content is itself JSON when the server honoured the
 * schema, so it is parsed twice; when it did not (plain mode, a chatty
 * model, ``` fences) the first balanced {...} is taken instead.  Types,
 * enums and bounds are checked; items over the bounds or malformed are
 * dropped and counted, and the answer as a whole is refused only when its
 * headline, severity or confidence is unusable.  Findings whose evidence
 * ids were never sent are marked unverified.  Every string is passed
 * through sanitize_display, so model output can never carry an escape
 * sequence to the terminal.
 */
#ifndef PERFLENS_AI_ANSWER_H
#define PERFLENS_AI_ANSWER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ai_ids.h"

struct ai_anon;

enum ai_severity { AI_SEV_OK, AI_SEV_INFO, AI_SEV_WARNING, AI_SEV_CRITICAL, AI_SEV_MAX };
enum ai_confidence { AI_CONF_LOW, AI_CONF_MEDIUM, AI_CONF_HIGH, AI_CONF_MAX };
enum ai_certainty { AI_CERT_OBSERVED, AI_CERT_LIKELY, AI_CERT_SPECULATIVE, AI_CERT_MAX };
enum ai_risk { AI_RISK_READ_ONLY, AI_RISK_CONFIG_CHANGE, AI_RISK_DISRUPTIVE, AI_RISK_MAX };

#define AI_MAX_ITEMS 3          /* findings, next steps, unknowns */
#define AI_MAX_EVIDENCE 8
#define AI_HEADLINE_CHARS 120   /* characters, not bytes */

struct ai_finding {
	char title[256];
	char category[64];
	enum ai_certainty certainty;
	char evidence[AI_MAX_EVIDENCE][AI_ID_LEN]; /* normalised when it is an id */
	bool evidence_sent[AI_MAX_EVIDENCE];
	int nevidence;
	bool verified;          /* cites at least one id, and every id was sent */
	char explanation[1024];
};

struct ai_step {
	char action[512];
	char command[512];      /* shown, never run */
	bool has_command;
	enum ai_risk risk;
};

struct ai_answer {
	char headline[512];
	enum ai_severity severity;
	enum ai_confidence confidence;
	struct ai_finding findings[AI_MAX_ITEMS];
	int nfindings;
	struct ai_step steps[AI_MAX_ITEMS];
	int nsteps;
	char app_or_infra[16];  /* app, infra, both, unknown */
	char unknowns[AI_MAX_ITEMS][320];
	int nunknowns;
	bool truncated;         /* finish_reason "length": the model was cut off */
	bool headline_cut;      /* over AI_HEADLINE_CHARS */
	int dropped;            /* items left out: malformed or over the bounds */
	int unverified;         /* findings not verified */
};

/* What a non-streamed completion carried. */
struct ai_completion {
	char *content;          /* malloc'd, NUL-terminated (may hold NULs before) */
	size_t len;
	char finish_reason[32];
	bool have_usage;
	int64_t prompt_tokens, completion_tokens;
};

/* Body of a chat.completion -> content, finish_reason, usage.  0, or
 * -EBADMSG (not a completion; err says why) or -ENOMEM. */
int ai_completion_parse(const char *body, size_t len, struct ai_completion *out, char *err,
			size_t errsz);
void ai_completion_free(struct ai_completion *c);

/*
 * Content -> answer.  truncated: finish_reason was "length".  sent: the
 * ids the prompt carried (NULL: nothing verifies).  anon: pseudonyms to
 * map back for display (NULL: none).  0, or -EBADMSG with err saying why
 * (invalid JSON, a cut-off answer, a missing or bad headline, severity or
 * confidence).
 */
int ai_answer_parse(const char *content, size_t len, bool truncated, const struct ai_ids *sent,
		    const struct ai_anon *anon, struct ai_answer *out, char *err, size_t errsz);

/* The first balanced {...} in s (strings and escapes respected): its
 * offset and length.  false when there is none. */
bool ai_extract_object(const char *s, size_t len, size_t *start, size_t *olen);

/* The headline so far in a partial streamed content, display-safe (for a
 * pane that fills as tokens arrive).  Returns its length (0: none yet). */
size_t ai_partial_headline(const char *content, size_t len, char *out, size_t outsz);

/* The parsed fields as a JSON object (strings already display-safe). */
json_object *ai_answer_json(const struct ai_answer *a);

const char *ai_severity_name(enum ai_severity s);
const char *ai_confidence_name(enum ai_confidence c);
const char *ai_certainty_name(enum ai_certainty c);
const char *ai_risk_name(enum ai_risk r);

#endif
