#include "evlist.h"

#include <string.h>

#define SEARCH_MAX_STEPS 200000

static bool match(const struct pl_event *ev, void *arg)
{
	struct evlist *l = arg;

	if (l->pred && !l->pred(ev, l->pred_arg))
		return false;
	return !l->use_filter || filter_match_event(&l->t->filter, ev);
}

static void found(const struct pl_event *ev, uint64_t seq, void *arg)
{
	struct evlist *l = arg;

	if (l->found)
		l->found(ev, seq, l->found_arg);
}

void evlist_init(struct evlist *l, struct tui *t, evscan_match_fn pred, void *pred_arg,
		 bool use_filter)
{
	memset(l, 0, sizeof(*l));
	l->t = t;
	l->pred = pred;
	l->pred_arg = pred_arg;
	l->use_filter = use_filter;
	l->at_newest = true;
	l->sel_seq = UINT64_MAX;
	l->filter_gen = t ? t->filter_gen : 0;
}

void evlist_fini(struct evlist *l)
{
	evscan_free(l->scan);
	evtopk_free(l->topk);
	l->scan = NULL;
	l->topk = NULL;
}

static bool scanning(const struct evlist *l)
{
	return l->pred || (l->use_filter && filter_active(&l->t->filter));
}

/* Seq of row i in the current order. */
static uint64_t seq_at(struct evlist *l, size_t i)
{
	if (l->by_lat)
		return evtopk_seq(l->topk, i);
	if (scanning(l))
		return evscan_seq(l->scan, i);
	return i < l->horizon ? l->horizon - 1 - i : UINT64_MAX;
}

/* Position of seq in the current order (or where it would be). */
static size_t index_of(struct evlist *l, uint64_t seq, size_t count)
{
	if (l->by_lat)
		return evtopk_find(l->topk, seq);
	if (scanning(l))
		return evscan_find(l->scan, seq);
	return seq < l->horizon ? (size_t)(l->horizon - 1 - seq) : count;
}

/* Bring the scan structures up to date; returns the row count. */
static size_t refresh_source(struct evlist *l, const struct eventlog *log)
{
	uint64_t oldest = eventlog_total(log) - eventlog_count(log);

	if (l->filter_gen != l->t->filter_gen) {
		l->filter_gen = l->t->filter_gen;
		if (l->scan)
			evscan_reset(l->scan);
		if (l->topk)
			evtopk_reset(l->topk);
	}
	l->busy = false;
	l->progress = 1.0;
	if (l->by_lat) {
		if (!l->topk)
			l->topk = evtopk_new(EVLIST_TOPK, match, l);
		if (!l->topk)
			return 0;
		l->busy = !evtopk_update(l->topk, log, l->horizon, SCAN_BUDGET_NS);
		return evtopk_count(l->topk);
	}
	if (scanning(l)) {
		if (!l->scan)
			l->scan = evscan_new(EVLIST_SCAN_CAP, match, found, l);
		if (!l->scan)
			return 0;
		if (l->range) {
			uint64_t lo, hi;

			l->range(log, l->pred_arg, &lo, &hi);
			evscan_set_range(l->scan, lo, hi);
		}
		l->busy = !evscan_update(l->scan, log, l->horizon, SCAN_BUDGET_NS);
		l->progress = evscan_progress(l->scan, log);
		return evscan_count(l->scan);
	}
	return l->horizon > oldest ? (size_t)(l->horizon - oldest) : 0;
}

static void copy_rows(struct evlist *l, const struct eventlog *log)
{
	l->nrows = 0;
	for (size_t i = l->ls.top; i < l->ls.count && l->nrows < (size_t)l->height &&
				   l->nrows < EVLIST_ROWS_MAX; i++) {
		uint64_t seq = seq_at(l, i);
		const struct pl_event *ev = evlog_by_seq(log, seq);

		if (!ev)
			break;
		l->rows[l->nrows] = *ev;
		l->row_seq[l->nrows++] = seq;
	}
}

void evlist_update(struct evlist *l, int height)
{
	struct engine *e = l->t->eng;
	size_t off = l->ls.sel >= l->ls.top ? l->ls.sel - l->ls.top : 0;
	size_t count;

	l->height = height > 1 ? height - 1 : 1; /* one row for the header */
	l->horizon = l->t->snap.log_total;
	engine_lock(e);
	count = refresh_source(l, e->log);
	l->ls.count = count;
	if (!l->at_newest && l->sel_seq != UINT64_MAX) {
		/* Keep the selected event where it was on screen. */
		size_t i = index_of(l, l->sel_seq, count);

		l->ls.sel = i < count ? i : (count ? count - 1 : 0);
		l->ls.top = l->ls.sel >= off ? l->ls.sel - off : 0;
	}
	list_fit(&l->ls, count, l->height);
	copy_rows(l, e->log);
	l->sel_seq = l->ls.sel - l->ls.top < l->nrows ? l->row_seq[l->ls.sel - l->ls.top] : UINT64_MAX;
	engine_unlock(e);
}

size_t evlist_count(const struct evlist *l)
{
	return l->ls.count;
}

void evlist_draw(struct evlist *l, struct rect r)
{
	struct column c[16];
	int n;

	event_columns(c, &n, r.w);
	table_header(r.y, r.x, c, n, r.w);
	if (l->nrows == 0) {
		const char *what = scanning(l) && l->busy ? "scanning the event log..."
			: scanning(l) ? "no events match" : "no slow events yet";

		draw_text(r.y + 2, r.x + 2, r.w - 4, R_DIM, what);
		return;
	}
	for (size_t i = 0; i < l->nrows && (int)i + 1 < r.h; i++)
		event_row(l->t, r.y + 1 + (int)i, r.x, c, &l->rows[i], l->ls.top + i == l->ls.sel);
}

static unsigned open_selected(struct evlist *l)
{
	size_t i = l->ls.sel - l->ls.top;

	if (l->ls.sel < l->ls.top || i >= l->nrows)
		return 0;
	tui_push(l->t, view_event_detail_new(l->t, &l->rows[i], l->row_seq[i]));
	return UI_REDRAW | UI_DATA;
}

unsigned evlist_action(struct evlist *l, enum action a)
{
	unsigned f;

	switch (a) {
	case ACT_ENTER:
		return open_selected(l);
	case ACT_SORT:
		l->by_lat = !l->by_lat;
		l->ls.sel = l->ls.top = 0;
		l->at_newest = true;
		tui_message(l->t, l->by_lat ? "sorted by latency (slowest %d held)" : "sorted by time",
			    EVLIST_TOPK);
		return UI_REDRAW | UI_DATA;
	default:
		break;
	}
	f = list_action(&l->ls, a, l->height);
	if (f)
		l->at_newest = l->ls.sel == 0 && !l->by_lat;
	if (f && l->ls.sel - l->ls.top < l->nrows)
		l->sel_seq = l->row_seq[l->ls.sel - l->ls.top];
	else if (f)
		l->sel_seq = UINT64_MAX; /* off the copied window: re-read by index */
	return f;
}

unsigned evlist_click(struct evlist *l, int row)
{
	if (row == 0 || !list_click(&l->ls, row - 1, l->height))
		return 0;
	l->at_newest = l->ls.sel == 0 && !l->by_lat;
	l->sel_seq = l->ls.sel - l->ls.top < l->nrows ? l->row_seq[l->ls.sel - l->ls.top] : UINT64_MAX;
	return UI_REDRAW | UI_DATA;
}

bool evlist_search(struct evlist *l, const char *needle, int dir)
{
	struct engine *e = l->t->eng;
	size_t count = l->ls.count, i = l->ls.sel;
	bool hit = false;

	engine_lock(e);
	for (size_t step = 0; step < SEARCH_MAX_STEPS && count; step++) {
		const struct pl_event *ev;

		if (dir > 0 ? i + 1 >= count : i == 0)
			break;
		i = dir > 0 ? i + 1 : i - 1;
		ev = evlog_by_seq(e->log, seq_at(l, i));
		if (ev && event_has_text(ev, needle)) {
			hit = true;
			break;
		}
	}
	engine_unlock(e);
	if (hit) {
		l->ls.sel = i;
		l->at_newest = i == 0 && !l->by_lat;
		l->sel_seq = UINT64_MAX;
		list_fit(&l->ls, count, l->height);
	}
	return hit;
}
