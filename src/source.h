/*
 * A source feeds decoded events to a sink.  Live BPF and recording replay
 * are the two implementations, so the stores, printers and views run the
 * same code for both, and tests can feed the stores without a kernel.
 *
 * The consumer thread calls wait() without any lock held, then drain()
 * with the stores locked: drain delivers what is ready, never blocks.
 */
#ifndef PERFLENS_SOURCE_H
#define PERFLENS_SOURCE_H

#include <stdint.h>

#include "event.h"

#include <errno.h>

#define PL_SOURCE_EOF (-ENODATA) /* drain(): nothing more will come */

struct pl_sink {
	void (*on_event)(void *ctx, const struct pl_event *ev);
	void *ctx;
};

/* Counters a source keeps about what it could not deliver. */
struct pl_source_stats {
	uint64_t kernel_drops[PL_EV_TYPE_MAX]; /* ring buffer full, per type */
	uint64_t decode_errors;                /* malformed or unknown records */
	uint64_t inflight_full;
	uint64_t block_other_issuer;
	uint64_t block_no_start;
	uint64_t block_map_full;
	uint64_t forced_wakeups;
	uint64_t block_no_completion;          /* reported at reuse, latency unknown */
	uint64_t block_submitters_full;
	uint64_t records;                      /* records received */
};

struct pl_source;

struct pl_source_ops {
	const char *name;
	/* Sleep until data may be ready or timeout_ms passes; < 0 on error. */
	int (*wait)(struct pl_source *s, int timeout_ms);
	/* Deliver ready events to the sink: count (>= 0), PL_SOURCE_EOF or -errno. */
	int (*drain)(struct pl_source *s);
	void (*stats)(struct pl_source *s, struct pl_source_stats *out);
	void (*free)(struct pl_source *s);
};

struct pl_source {
	const struct pl_source_ops *ops;
	struct pl_sink sink;
};

static inline int source_wait(struct pl_source *s, int ms) { return s->ops->wait(s, ms); }
static inline int source_drain(struct pl_source *s) { return s->ops->drain(s); }
static inline void source_free(struct pl_source *s) { if (s) s->ops->free(s); }

#endif
