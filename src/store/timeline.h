/*
 * Timeline store: per-second buckets over a sliding window, keyed by the
 * second an event completed.  A ring of window_s slots; a slot is reused
 * when its second falls out of the window.  Late events inside the window
 * land in their own second; events older than the window are counted in
 * late_dropped, never silently lost.
 * Memory: window_s * sizeof(struct tl_second), fixed at creation.
 */
#ifndef PERFLENS_TIMELINE_H
#define PERFLENS_TIMELINE_H

#include <stdint.h>

#include "../event.h"
#include "hist.h"

struct tl_cell {
	uint64_t count;
	uint64_t total_ns;
	uint64_t max_ns;
	uint64_t bytes;
	struct hist h;
};

#define TL_IO_TYPES 3 /* read, write, sync: index type - PL_EV_READ */

struct tl_second {
	int64_t sec; /* seconds since the origin; -1 when the slot is empty */
	struct tl_cell io[TL_IO_TYPES][PL_KIND_MAX];
	struct tl_cell block;
	uint32_t forks, execs, exits;
};

struct timeline;

/* A timeline keeping the last window_s seconds (>= 1).  NULL on ENOMEM. */
struct timeline *timeline_new(unsigned window_s);
/* Accepts NULL. */
void timeline_free(struct timeline *tl);
/* Back to empty, as new (replay seeks). */
void timeline_clear(struct timeline *tl);
/* Account one event that completed in second sec (>= 0).  An io kind out of
 * range counts as PL_KIND_OTHER; samples only mark the second as seen. */
void timeline_add(struct timeline *tl, int64_t sec, const struct pl_event *ev);
/* The bucket for sec, or NULL when it is empty or outside the window. */
const struct tl_second *timeline_get(const struct timeline *tl, int64_t sec);
/* Newest second seen so far, -1 before the first event. */
int64_t timeline_latest(const struct timeline *tl);
/* window_s as given to timeline_new. */
unsigned timeline_window(const struct timeline *tl);
/* Events that arrived older than the window. */
uint64_t timeline_late_dropped(const struct timeline *tl);
/* Cell for an event type and kind inside a second (block ignores kind);
 * NULL for types without latency. */
const struct tl_cell *tl_second_cell(const struct tl_second *s, unsigned type, unsigned kind);

#endif
