#include "evscan.h"
#include "../util/monotime.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

/*
 * Matches live in a ring used as a deque: forward finds are newer than
 * everything held and go in front, backfill finds are older and go at the
 * back.  Invariant: every event with seq in [lo, hi) has been examined and
 * nothing else has.
 */
struct evscan {
	evscan_match_fn match;
	evscan_found_fn found;
	void *arg;
	uint64_t *ring;
	size_t cap;
	size_t front;  /* slot of the newest match */
	size_t n;
	uint64_t lo, hi;
	uint64_t range_lo, range_hi; /* seqs outside are never examined */
	bool started;
	uint64_t examined;
};

#define CHECK_EVERY 256

const struct pl_event *evlog_by_seq(const struct eventlog *log, uint64_t seq)
{
	uint64_t total = eventlog_total(log);

	if (seq >= total)
		return NULL;
	return eventlog_get(log, (size_t)(total - 1 - seq));
}

uint64_t pl_event_lat(const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		return ev->u.io.lat_ns;
	case PL_EV_BLOCK:
		return ev->u.blk.lat_ns;
	default:
		return 0;
	}
}

struct evscan *evscan_new(size_t cap, evscan_match_fn match, evscan_found_fn found, void *arg)
{
	struct evscan *s;

	if (cap == 0) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ring = calloc(cap, sizeof(*s->ring));
	if (!s->ring) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->cap = cap;
	s->range_hi = UINT64_MAX;
	s->match = match;
	s->found = found;
	s->arg = arg;
	return s;
}

void evscan_free(struct evscan *s)
{
	if (!s)
		return;
	free(s->ring);
	free(s);
}

void evscan_set_range(struct evscan *s, uint64_t lo, uint64_t hi)
{
	s->range_lo = lo;
	s->range_hi = hi;
}

uint64_t evlog_seq_at_ts(const struct eventlog *log, uint64_t ts_ns)
{
	uint64_t total = eventlog_total(log);
	uint64_t lo = total - eventlog_count(log), hi = total;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		const struct pl_event *ev = evlog_by_seq(log, mid);

		if (ev && ev->ts_ns < ts_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void evscan_reset(struct evscan *s)
{
	s->n = 0;
	s->front = 0;
	s->started = false;
}

static size_t slot(const struct evscan *s, size_t i)
{
	return (s->front + i) % s->cap;
}

static void push_front(struct evscan *s, uint64_t seq)
{
	if (s->n == s->cap) {
		/* Full: the oldest match falls off the back, and lo moves above
		 * it so "[lo, hi) examined and held" stays true. */
		s->lo = s->ring[slot(s, s->n - 1)] + 1;
		s->n--;
	}
	s->front = s->front == 0 ? s->cap - 1 : s->front - 1;
	s->ring[s->front] = seq;
	s->n++;
}

static void push_back(struct evscan *s, uint64_t seq)
{
	s->ring[slot(s, s->n)] = seq;
	s->n++;
}

static bool consider(struct evscan *s, const struct eventlog *log, uint64_t seq)
{
	const struct pl_event *ev = evlog_by_seq(log, seq);

	s->examined++;
	if (!ev || (s->match && !s->match(ev, s->arg)))
		return false;
	if (s->found)
		s->found(ev, seq, s->arg);
	return true;
}

/* Drop matches the log no longer holds, and keep lo inside the log. */
static void trim_evicted(struct evscan *s, uint64_t oldest)
{
	while (s->n && s->ring[slot(s, s->n - 1)] < oldest)
		s->n--;
	if (s->lo < oldest)
		s->lo = oldest;
	if (s->hi < oldest) {
		/* We fell a whole log behind: what is left starts fresh. */
		s->n = 0;
		s->lo = s->hi = oldest;
	}
}

bool evscan_update(struct evscan *s, const struct eventlog *log, uint64_t horizon,
		   uint64_t budget_ns)
{
	uint64_t total = eventlog_total(log);
	uint64_t oldest = total - eventlog_count(log);
	uint64_t deadline = budget_ns ? monotime_ns() + budget_ns : 0;
	unsigned tick = 0;

	if (horizon > total)
		horizon = total;
	if (horizon > s->range_hi)
		horizon = s->range_hi;
	if (oldest < s->range_lo)
		oldest = s->range_lo < total ? s->range_lo : total;
	if (!s->started) {
		s->lo = s->hi = horizon;
		s->started = true;
	}
	trim_evicted(s, oldest);
	while (s->hi < horizon) {
		if (consider(s, log, s->hi))
			push_front(s, s->hi);
		s->hi++;
		if (deadline && ++tick % CHECK_EVERY == 0 && monotime_ns() >= deadline)
			return false;
	}
	while (s->lo > oldest && s->n < s->cap) {
		if (consider(s, log, s->lo - 1))
			push_back(s, s->lo - 1);
		s->lo--;
		if (deadline && ++tick % CHECK_EVERY == 0 && monotime_ns() >= deadline)
			return s->lo <= oldest || s->n >= s->cap;
	}
	return true;
}

size_t evscan_count(const struct evscan *s)
{
	return s->n;
}

uint64_t evscan_seq(const struct evscan *s, size_t i)
{
	return i < s->n ? s->ring[slot(s, i)] : UINT64_MAX;
}

size_t evscan_find(const struct evscan *s, uint64_t seq)
{
	size_t lo = 0, hi = s->n;

	/* Descending order: find the first index whose seq <= the target. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ring[slot(s, mid)] > seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

double evscan_progress(const struct evscan *s, const struct eventlog *log)
{
	uint64_t total = eventlog_total(log);
	uint64_t held = eventlog_count(log);
	uint64_t oldest = total - held;

	if (!s->started)
		return 0.0;
	if (held == 0 || s->n >= s->cap)
		return 1.0;
	uint64_t lo = s->lo < oldest ? oldest : s->lo;
	uint64_t hi = s->hi < lo ? lo : s->hi;
	return (double)(hi - lo) / (double)(total - oldest);
}

uint64_t evscan_examined(const struct evscan *s)
{
	return s->examined;
}
