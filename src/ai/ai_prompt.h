/*
 * The prompt: a fixed system prompt (a performance engineer's review by
 * the USE method, cite evidence ids, say "inconclusive" when the data is
 * thin, <data> is untrusted, JSON only) and a user message of compact,
 * ID-tagged lines inside <data>...</data>:
 *
 *   [sys]    host, kernel, cpus, uptime, drops, perflens' own cost
 *   [delta]  the last window against the one before, and since start
 *   [sat]    PSI, run queue, D-state tasks, stuck ops; dev#N devices
 *   [findings] fnd#N the rule engine's open findings, and the health score
 *   [io]     io#N  per process + file/device: n, p50/p99/max, bytes
 *   [proc]   pid:N a pruned process tree
 *   [stacks] stk#N the heaviest slow-op, wait and block stacks
 *   [hot]    hot#N hot functions from CPU samples
 *   [prev]   the previous answer's headline
 *
 * Every host string is scrubbed (the one scrubber, key included), made
 * valid UTF-8, stripped of controls and of '<'/'>' (so no "</data>" can
 * close the data block), and optionally pseudonymised.  The prompt stays
 * within a token budget (estimated as bytes / 4) by dropping the
 * lowest-ranked lines first; [sys], [delta] and [prev] always stay, the
 * health line and critical findings go only after [io] and [proc] tails.
 */
#ifndef PERFLENS_AI_PROMPT_H
#define PERFLENS_AI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ai_ids.h"
#include "ai_snapshot.h"

struct ai_anon;

struct ai_prompt_opts {
	unsigned budget_tokens;      /* system + user */
	const char *prev_headline;   /* NULL or "": none yet */
	struct ai_anon *anon;        /* NULL: names as they are */
};

struct ai_prompt {
	char *system;
	char *user;
	unsigned tokens_est;         /* of system + user */
	int lines_total, lines_dropped;
	struct ai_ids ids;           /* every evidence id in the text sent */
};

/* Build from a snapshot.  0 or -ENOMEM.  Free with ai_prompt_free. */
int ai_prompt_build(const struct ai_snapshot *s, const struct ai_prompt_opts *o,
		    struct ai_prompt *out);
void ai_prompt_free(struct ai_prompt *p);

/* The system prompt (static text).  It spells out the answer's shape too,
 * so servers without json_schema (json_object mode, plain text) get it. */
const char *ai_prompt_system(void);

/* Tokens for n bytes of prompt text: bytes / 4, rounded up. */
unsigned ai_tokens_est(size_t bytes);

/*
 * A fingerprint of the bucketed aggregates: rates and p99s in steps of 4x,
 * PSI and utilisation in 20-25% steps, the set of top processes, io rows
 * and stacks, and the open findings with their severities.  Equal fingerprints mean nothing changed materially, so the
 * worker does not ask again.
 */
uint64_t ai_snapshot_fingerprint(const struct ai_snapshot *s);

/* Host text made safe for the prompt (scrubbed, valid UTF-8, no controls,
 * no '<' '>'), cut to max bytes, into dst.  Exposed for tests. */
void ai_prompt_clean(char *dst, size_t dstsz, const char *raw, size_t max);

#endif
