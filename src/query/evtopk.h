/*
 * The K slowest events still held by the event log, kept incrementally so
 * a "sort by latency" view never sorts the log.
 *
 * Same scanning scheme as evscan (new events first, then a time-budgeted
 * backfill).  Evicted events leave the set.  It keeps a floor: the slowest
 * latency it ever turned away; every held event slower than the floor is
 * in the set, and events no slower than it are not let back in, so the
 * set is always exactly the slowest M held events (ties aside), M <= K.
 * When M falls under K/2 the set is rebuilt by a fresh (budgeted) backfill.
 *
 * Call every function that takes the log with the engine lock held.
 */
#ifndef PERFLENS_EVTOPK_H
#define PERFLENS_EVTOPK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evscan.h"

struct evtopk;

/* k >= 1.  match NULL takes every event with a latency.  NULL with errno. */
struct evtopk *evtopk_new(size_t k, evscan_match_fn match, void *arg);
void evtopk_free(struct evtopk *t);
/* Start over (the filter changed). */
void evtopk_reset(struct evtopk *t);
/* As evscan_update.  Returns true when complete. */
bool evtopk_update(struct evtopk *t, const struct eventlog *log, uint64_t horizon,
		   uint64_t budget_ns);
/* Entries held, slowest first once sorted by evtopk_sorted. */
size_t evtopk_count(const struct evtopk *t);
/* Seq of the i-th slowest (ties: newer first); UINT64_MAX out of range.
 * Sorts lazily after changes, so it is not const. */
uint64_t evtopk_seq(struct evtopk *t, size_t i);
/* Position of seq in the sorted order, or count when absent. */
size_t evtopk_find(struct evtopk *t, uint64_t seq);

#endif
