/*
 * What the prompt's section writers share (ai_prompt.c and its sections in
 * other files): ranked lines, and the one way host text enters a line.
 */
#ifndef PERFLENS_AI_PROMPT_INT_H
#define PERFLENS_AI_PROMPT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ai_buf.h"
#include "ai_snapshot.h"

struct ai_anon;

enum section { SEC_SYS, SEC_DELTA, SEC_SAT, SEC_FINDINGS, SEC_IO, SEC_PROC, SEC_STACKS,
	       SEC_HOT, SEC_PREV, SEC_MAX };

#define ALWAYS 1e9 /* rank of lines never dropped */

struct pline {
	char *text;
	size_t len;
	double rank;
	int sec;
	bool header;
	bool dropped;
};

struct lines {
	struct pline *v;
	int n, cap;
	bool oom;
	struct ai_anon *anon;
	struct ai_buf cur;       /* the line being written */
};

/* End the line being written in L->cur with its section and rank (higher
 * stays longer under the budget; ALWAYS never goes).  Its index, or -1
 * (out of memory, noted in L->oom). */
int line_end(struct lines *L, int sec, double rank, bool header);
/* Append host text: scrubbed, made safe for the prompt, cut to max bytes,
 * quoted when it has spaces or is empty. */
void put_val(struct ai_buf *b, const char *raw, size_t max);

/* [findings] (ai_prompt_findings.c). */
void ai_prompt_sec_findings(struct lines *L, const struct ai_snapshot *s);

#endif
