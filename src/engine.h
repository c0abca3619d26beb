/*
 * The engine owns the stores and the one lock that guards them.  The
 * consumer thread feeds it (engine_ingest, lock held across a drained
 * batch); views, printers and the AI read under the lock for short copies.
 * Taps (the output writer, the recorder) see every event after the stores.
 */
#ifndef PERFLENS_ENGINE_H
#define PERFLENS_ENGINE_H

#include <pthread.h>
#include <stdint.h>

#include "event.h"
#include "event_decode.h"
#include "store/eventlog.h"
#include "store/hist.h"
#include "store/stackagg.h"
#include "store/cgstats.h"
#include "store/proctree.h"
#include "store/satstore.h"
#include "store/stacks.h"
#include "store/timeline.h"

#define ENGINE_MAX_TAPS 8

struct engine_config {
	unsigned window_s;
	size_t eventlog_cap;
	size_t proc_cap;
	uint64_t keep_exited_ns;
	size_t stack_cap;
	size_t agg_cap;
};

struct engine_tap {
	void (*fn)(void *ctx, const struct pl_event *ev);
	void *ctx;
};

/* Whole-run aggregates per event type and kind (block uses kind blockdev). */
struct engine_totals {
	uint64_t count[PL_EV_TYPE_MAX][PL_KIND_MAX];
	struct hist lat[PL_EV_TYPE_MAX]; /* read, write, sync, block */
	uint64_t block_bytes;
	uint64_t block_kthread;          /* requests submitted by kernel threads */
	uint64_t block_other_issuer;     /* seen in records */
};

struct engine {
	pthread_mutex_t lock;
	uint64_t origin_ns;       /* CLOCK_MONOTONIC at start: ts 0 */
	double origin_wall;       /* CLOCK_REALTIME at the same instant */
	struct timeline *tl;
	struct eventlog *log;
	struct proctree *pt;
	struct stackstore *stacks;
	struct stackagg *agg;       /* per (role, pid, stacks) */
	struct cgstats *cg;
	struct satstore *sat;       /* written by the 1 Hz sampler */
	struct engine_totals tot;
	uint64_t events;
	struct engine_tap taps[ENGINE_MAX_TAPS];
	int ntaps;
};

/* NULL on ENOMEM.  Anchors the clocks now. */
struct engine *engine_new(const struct engine_config *cfg);
void engine_free(struct engine *e);
int engine_add_tap(struct engine *e, struct engine_tap tap);
/* Forget everything ingested: every store the views read back to empty, as
 * at start (replay seeks, then re-feeds).  Lock held.  Interned stacks stay
 * (ids are read without the lock); only their use counts go.  The clocks'
 * origin and the taps stay. */
void engine_reset(struct engine *e);
/* Account one event in every store, then pass it to the taps.  Lock held. */
void engine_ingest(struct engine *e, const struct pl_event *ev);
/* Re-anchor ts 0 (replay: the recording's start). */
void engine_set_origin(struct engine *e, uint64_t mono_ns, double wall);
/* Seconds since the origin for a monotonic timestamp. */
double engine_ts(const struct engine *e, uint64_t mono_ns);
/* Second index in the timeline for a monotonic timestamp. */
int64_t engine_sec(const struct engine *e, uint64_t mono_ns);
/* CLOCK_MONOTONIC now, in ns. */
uint64_t engine_now_ns(void);
static inline void engine_lock(struct engine *e) { pthread_mutex_lock(&e->lock); }
static inline void engine_unlock(struct engine *e) { pthread_mutex_unlock(&e->lock); }
/* A stack sink for the decoder that interns into the engine's stack store
 * (called from drain, so under the engine lock). */
struct pl_stack_sink engine_stack_sink(struct engine *e);
/* A sink callback (ctx = engine) for sources. */
void engine_on_event(void *ctx, const struct pl_event *ev);

#endif
