/*
 * The AI answers store: the answers a view shows, with when they came and
 * what they cost.  Live, the worker adds each validated answer; in replay,
 * the replay source adds each recorded {"type":"ai"} line as the replay
 * clock reaches it.  So the AI view reads one thing, whichever the source.
 *
 * Bounded: a ring of the newest cap answers; older ones are dropped and
 * counted.  Its own mutex: writers (the worker, the replay consumer) and
 * readers (the UI) copy in and out under it, and nothing else is locked
 * while it is held.  ai_store_reset empties it (a replay seeking back
 * re-feeds the frames from the start).
 */
#ifndef PERFLENS_AI_STORE_H
#define PERFLENS_AI_STORE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ai_answer.h"
#include "ai_evidence.h"

#define AI_STORE_CAP 32
#define AI_RESOLVED_LEN 96

struct ai_record {
	double ts;                     /* engine seconds when the answer arrived */
	struct ai_answer answer;       /* display-safe */
	/* What each cited id pointed at when it was asked ("postgres[812]",
	 * "stk#2 postgres[812] at io_schedule"): display-safe, "" when unknown. */
	char resolved[AI_MAX_ITEMS][AI_MAX_EVIDENCE][AI_RESOLVED_LEN];
	/* The same as data, for a jump to the process, device or stack; valid
	 * where evidence_sent.  Stack ids are the live run's: a replay has
	 * its own, so recorded targets carry kind, pid and name only. */
	struct ai_evidence target[AI_MAX_ITEMS][AI_MAX_EVIDENCE];
	double latency_s;
	int64_t prompt_tokens, completion_tokens;
	bool usage_estimated;          /* the server sent no usage */
	unsigned prompt_tokens_est;
	int lines_dropped;             /* by the prompt budget */
	char model[128];
	char format[16];
};

struct ai_store_stats {
	size_t count;                  /* held now */
	uint64_t added, dropped;       /* since start (or the last reset) */
	uint64_t rejected;             /* recorded lines that were not answers */
	uint64_t prompt_tokens, completion_tokens; /* over every answer added */
	uint64_t gen;                  /* changes on every add and reset */
};

struct ai_store;

/* cap 0: AI_STORE_CAP.  NULL with errno. */
struct ai_store *ai_store_new(size_t cap);
/* Accepts NULL. */
void ai_store_free(struct ai_store *s);
/* Empty it: answers, counters and drops (a replay seeking back). */
void ai_store_reset(struct ai_store *s);
/* Add an answer (copied); the oldest goes when full. */
void ai_store_add(struct ai_store *s, const struct ai_record *r);
/* Add a recorded {"type":"ai"} line, as ai_record_json wrote it.  Every
 * string is sanitized again (a recording is untrusted input); a finding
 * is verified only as the recording says.  0, or -EINVAL when the line is
 * not a usable answer (counted in rejected). */
int ai_store_add_json(struct ai_store *s, json_object *line);
/* ai_store_add_json and ai_store_reset in the shape of a replay feed
 * (src/record/replay.h): ctx is the store. */
void ai_store_feed_line(void *ctx, json_object *line);
void ai_store_feed_reset(void *ctx);
/* Copy up to max answers, newest first.  Returns how many. */
size_t ai_store_list(struct ai_store *s, struct ai_record *out, size_t max);
void ai_store_stats(struct ai_store *s, struct ai_store_stats *out);

/* The {"type":"ai",...} line of an answer (for --json and recordings),
 * with label.  The caller owns it. */
json_object *ai_record_json(const struct ai_record *r, const char *label);

#endif
