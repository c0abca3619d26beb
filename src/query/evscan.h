/*
 * An incrementally maintained filtered view of the event log, for readers
 * that must not scan the whole log at once (a view drawing a frame).
 *
 * Events are named by their sequence number: the n-th event ever pushed has
 * seq n - 1, and while it is held, eventlog_get(log, total - 1 - seq)
 * returns it.  A scan keeps the seqs of the matching events, newest first.
 * Each update first looks at events pushed since the last update (oldest
 * of them first), then backfills older ones, and stops when its time budget
 * is spent; the next update resumes.  So a filter over a million events
 * costs a few frames of a couple of milliseconds each, never one long stall.
 *
 * Call every function that takes the log with the engine lock held.
 * Bounded: at most cap matches are kept (the newest ones).
 */
#ifndef PERFLENS_EVSCAN_H
#define PERFLENS_EVSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "../store/eventlog.h"

typedef bool (*evscan_match_fn)(const struct pl_event *ev, void *arg);
/* Called once for each matching event as it is found (forward or backfill). */
typedef void (*evscan_found_fn)(const struct pl_event *ev, uint64_t seq, void *arg);

struct evscan;

/* match NULL matches everything; found may be NULL.  NULL with errno. */
struct evscan *evscan_new(size_t cap, evscan_match_fn match, evscan_found_fn found, void *arg);
/* Accepts NULL. */
void evscan_free(struct evscan *s);
/* Forget everything (the filter changed); the next update starts over. */
void evscan_reset(struct evscan *s);
/*
 * Look at new events, then older ones, until budget_ns has passed (checked
 * every few hundred events; 0 = no limit).  Events with seq >= horizon are
 * left for later (a paused display keeps its horizon; pass
 * eventlog_total() to take everything).  Returns true when complete.
 */
bool evscan_update(struct evscan *s, const struct eventlog *log, uint64_t horizon,
		   uint64_t budget_ns);
/* Only look at seqs in [lo, hi) (default: everything).  For queries that
 * know where their events are, like one second of the timeline. */
void evscan_set_range(struct evscan *s, uint64_t lo, uint64_t hi);
/* Matches still held by the log (evicted ones drop out at the next update). */
size_t evscan_count(const struct evscan *s);
/* Seq of the i-th match, i = 0 the newest; UINT64_MAX when out of range. */
uint64_t evscan_seq(const struct evscan *s, size_t i);
/* Index of the match with this seq, or the first older one (for keeping a
 * selection in place); count when none. */
size_t evscan_find(const struct evscan *s, uint64_t seq);
/* Fraction of the held log scanned so far, 0..1. */
double evscan_progress(const struct evscan *s, const struct eventlog *log);
/* Events examined since creation (a cost measure for tests and benches). */
uint64_t evscan_examined(const struct evscan *s);

/* The first held seq whose event completed at or after ts_ns, by binary
 * search: events are pushed in nearly completion order (CPUs interleave a
 * little), so callers add a margin.  eventlog_total() when none. */
uint64_t evlog_seq_at_ts(const struct eventlog *log, uint64_t ts_ns);
/* The event with this seq while the log still holds it, else NULL. */
const struct pl_event *evlog_by_seq(const struct eventlog *log, uint64_t seq);
/* Latency of an event in ns (io and block), 0 for the others. */
uint64_t pl_event_lat(const struct pl_event *ev);

#endif
