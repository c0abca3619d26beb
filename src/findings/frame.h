/*
 * The frame: one second's rule inputs, copied out of the stores under the
 * engine lock so that the evaluator runs without it.  Each input yields
 * candidates -- (subject, value, support, evidence) -- in one contiguous
 * run per input.  Bounded: FRAME_MAX_CAND candidates; the newest-events
 * scan looks at FRAME_SCAN_MAX events at most.  Internal to src/findings.
 */
#ifndef PERFLENS_FINDINGS_FRAME_H
#define PERFLENS_FINDINGS_FRAME_H

#include <stdint.h>

#include "findings.h"

#define FRAME_MAX_CAND 192
#define FRAME_SCAN_MAX 4096          /* newest events looked at for attribution */
#define FRAME_AGG_SLOTS 8192         /* power of two, > 2 keys per scanned event */
#define FRAME_SLOW_NS 5000000ull     /* "slow" storage op, as in the rule docs */
#define FRAME_OOM_WINDOW_S 60
#define FRAME_OOM_RING 16

struct frame_cand {
	struct finding_subject subj;
	int rotational;          /* devices: 1, 0, -1 unknown */
	double value, support;
	struct finding_evidence ev[FINDING_MAX_EVIDENCE];
	int nev;
};

/* Aggregates of the newest-events scan, keyed by (category, key). */
struct frame_agg {
	uint32_t gen;
	uint32_t cat;
	uint64_t key;
	uint64_t count, ns;
	const struct pl_event *ex; /* the newest event with this key (engine lock held) */
};

/* State the frame keeps between seconds, and inputs from outside the stores. */
struct frame_ctx {
	void (*lost)(void *ctx, struct findings_lost *out);
	void *lost_ctx;
	uint64_t prev_lost;      /* total at the previous tick */
	int64_t prev_lost_sec;   /* -1 before the first */
	struct findings_oom oom[FRAME_OOM_RING]; /* newest kills, a ring */
	uint64_t noom;           /* kills ever noted */
};

struct findings_frame {
	int64_t sec;
	struct frame_cand cand[FRAME_MAX_CAND];
	int ncand;
	int first[FIN_COUNT], count[FIN_COUNT];
	uint64_t left_out;       /* candidates that did not fit */
	/* scratch for the scan; valid only while the engine lock is held */
	struct frame_agg agg[FRAME_AGG_SLOTS];
	uint32_t gen;
	uint64_t scanned;
};

/* Fill fr from the stores for second sec.  Engine lock held; ctx->oom is a
 * copy the caller took under its own lock. */
void frame_build(struct findings_frame *fr, struct engine *e, int64_t sec, struct frame_ctx *ctx);

#endif
