#include "evtopk.h"
#include "../util/monotime.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

struct topk_ent {
	uint64_t lat;
	uint64_t seq;
};

/*
 * A min-heap on (lat, seq) holds the set while it changes; a sorted copy
 * is made lazily for readers.  [lo, hi) is the range of seqs examined.
 */
struct evtopk {
	size_t k;
	evscan_match_fn match;
	void *arg;
	struct topk_ent *heap;
	size_t n;
	struct topk_ent *sorted;
	bool dirty;
	uint64_t lo, hi;
	uint64_t min_seq;  /* smallest seq in the heap, to spot evictions */
	bool turned_away;  /* some event was refused or pushed out ... */
	uint64_t floor;    /* ... none slower than this: the set holds every
			    * held event slower than floor, so it is exact above it */
	bool started;
};

#define CHECK_EVERY 256

/* Heap order: smaller latency first; among equals the older event first,
 * so a newer event of the same latency displaces an older one. */
static bool less(const struct topk_ent *a, const struct topk_ent *b)
{
	return a->lat < b->lat || (a->lat == b->lat && a->seq < b->seq);
}

static void sift_down(struct topk_ent *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && less(&h[l], &h[m]))
			m = l;
		if (r < n && less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		struct topk_ent tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

static void sift_up(struct topk_ent *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!less(&h[i], &h[p]))
			return;
		struct topk_ent tmp = h[i];
		h[i] = h[p];
		h[p] = tmp;
		i = p;
	}
}

struct evtopk *evtopk_new(size_t k, evscan_match_fn match, void *arg)
{
	struct evtopk *t;

	if (k == 0) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->heap = calloc(k, sizeof(*t->heap));
	t->sorted = calloc(k, sizeof(*t->sorted));
	if (!t->heap || !t->sorted) {
		evtopk_free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->k = k;
	t->match = match;
	t->arg = arg;
	return t;
}

void evtopk_free(struct evtopk *t)
{
	if (!t)
		return;
	free(t->heap);
	free(t->sorted);
	free(t);
}

void evtopk_reset(struct evtopk *t)
{
	t->n = 0;
	t->started = false;
	t->dirty = true;
}

static void offer(struct evtopk *t, const struct eventlog *log, uint64_t seq)
{
	const struct pl_event *ev = evlog_by_seq(log, seq);
	struct topk_ent e;

	if (!ev)
		return;
	e.lat = pl_event_lat(ev);
	e.seq = seq;
	if ((ev->type < PL_EV_READ || ev->type > PL_EV_BLOCK) || (t->match && !t->match(ev, t->arg)))
		return;
	if (t->n < t->k) {
		/* Room after evictions, but an event no slower than one turned
		 * away cannot be ranked without what was turned away. */
		if (t->turned_away && e.lat <= t->floor)
			return;
		t->heap[t->n] = e;
		sift_up(t->heap, t->n++);
	} else if (less(&t->heap[0], &e)) {
		if (t->heap[0].lat > t->floor)
			t->floor = t->heap[0].lat;
		t->heap[0] = e;
		sift_down(t->heap, t->n, 0);
		t->turned_away = true;
	} else {
		if (e.lat > t->floor)
			t->floor = e.lat;
		t->turned_away = true;
		return;
	}
	if (seq < t->min_seq || t->n == 1)
		t->min_seq = seq;
	t->dirty = true;
}

/* Take out what the log evicted; rebuild when too little is left. */
static void drop_evicted(struct evtopk *t, uint64_t oldest)
{
	if (t->n && t->min_seq < oldest) {
		size_t w = 0;

		t->min_seq = UINT64_MAX;
		for (size_t i = 0; i < t->n; i++) {
			if (t->heap[i].seq < oldest)
				continue;
			if (t->heap[i].seq < t->min_seq)
				t->min_seq = t->heap[i].seq;
			t->heap[w++] = t->heap[i];
		}
		t->n = w;
		for (size_t i = t->n / 2; i-- > 0;)
			sift_down(t->heap, t->n, i);
		t->dirty = true;
		/* Exact but short: refill from a fresh backfill of what is held. */
		if (t->turned_away && t->n < t->k / 2 && t->lo <= oldest) {
			t->n = 0;
			t->lo = t->hi;
			t->turned_away = false;
			t->floor = 0;
		}
	}
	if (t->lo < oldest)
		t->lo = oldest;
	if (t->hi < oldest)
		t->lo = t->hi = oldest;
}

bool evtopk_update(struct evtopk *t, const struct eventlog *log, uint64_t horizon,
		   uint64_t budget_ns)
{
	uint64_t total = eventlog_total(log);
	uint64_t oldest = total - eventlog_count(log);
	uint64_t deadline = budget_ns ? monotime_ns() + budget_ns : 0;
	unsigned tick = 0;

	if (horizon > total)
		horizon = total;
	if (!t->started) {
		t->lo = t->hi = horizon;
		t->n = 0;
		t->turned_away = false;
		t->floor = 0;
		t->started = true;
		t->dirty = true;
	}
	drop_evicted(t, oldest);
	while (t->hi < horizon) {
		offer(t, log, t->hi++);
		if (deadline && ++tick % CHECK_EVERY == 0 && monotime_ns() >= deadline)
			return false;
	}
	while (t->lo > oldest) {
		offer(t, log, --t->lo);
		if (deadline && ++tick % CHECK_EVERY == 0 && monotime_ns() >= deadline)
			return t->lo <= oldest;
	}
	return true;
}

size_t evtopk_count(const struct evtopk *t)
{
	return t->n;
}

static int cmp_desc(const void *a, const void *b)
{
	const struct topk_ent *x = a, *y = b;

	if (x->lat != y->lat)
		return x->lat < y->lat ? 1 : -1;
	return x->seq < y->seq ? 1 : (x->seq > y->seq ? -1 : 0);
}

static void ensure_sorted(struct evtopk *t)
{
	if (!t->dirty)
		return;
	for (size_t i = 0; i < t->n; i++)
		t->sorted[i] = t->heap[i];
	qsort(t->sorted, t->n, sizeof(*t->sorted), cmp_desc);
	t->dirty = false;
}

uint64_t evtopk_seq(struct evtopk *t, size_t i)
{
	ensure_sorted(t);
	return i < t->n ? t->sorted[i].seq : UINT64_MAX;
}

size_t evtopk_find(struct evtopk *t, uint64_t seq)
{
	ensure_sorted(t);
	for (size_t i = 0; i < t->n; i++)
		if (t->sorted[i].seq == seq)
			return i;
	return t->n;
}
