/*
 * A list of events drawn from the event log without ever scanning or
 * sorting it per frame: unfiltered and by time it indexes the log directly
 * (a window of rows per frame); with a predicate or the display filter it
 * reads an incrementally built evscan; by latency an incrementally kept
 * top-K (evtopk).  The selection is kept on its event (by sequence number)
 * while new events arrive, and stays at the newest when it is there.
 * Used by the events view, a second of the timeline and process details.
 */
#ifndef PERFLENS_UI_EVLIST_H
#define PERFLENS_UI_EVLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "../src/query/evscan.h"
#include "../src/query/evtopk.h"
#include "tui_int.h"

#define EVLIST_ROWS_MAX 256
#define EVLIST_TOPK 1000
#define EVLIST_SCAN_CAP (1u << 18)

struct evlist {
	struct tui *t;
	bool by_lat;
	bool use_filter;           /* AND the display filter */
	evscan_match_fn pred;      /* a fixed predicate (a second, a pid) or NULL */
	void *pred_arg;
	evscan_found_fn found;     /* told about each match (aggregations) */
	void *found_arg;
	/* Where in the log the matches can be (optional, under the lock): a
	 * second of the timeline needs a few thousand events, not the log. */
	void (*range)(const struct eventlog *log, void *arg, uint64_t *lo, uint64_t *hi);
	struct evscan *scan;
	struct evtopk *topk;
	unsigned filter_gen;
	struct list_state ls;
	uint64_t sel_seq;
	bool at_newest;
	bool busy;
	double progress;
	uint64_t horizon;
	size_t nrows;
	struct pl_event rows[EVLIST_ROWS_MAX];
	uint64_t row_seq[EVLIST_ROWS_MAX];
	int height;
};

void evlist_init(struct evlist *l, struct tui *t, evscan_match_fn pred, void *pred_arg,
		 bool use_filter);
void evlist_fini(struct evlist *l);
/* Read the rows for a list of height rows (takes the engine lock). */
void evlist_update(struct evlist *l, int height);
/* Draw header and rows in r. */
void evlist_draw(struct evlist *l, struct rect r);
/* Keys: moves, Enter (event detail), sort.  Returns UI_* flags. */
unsigned evlist_action(struct evlist *l, enum action a);
unsigned evlist_click(struct evlist *l, int row);
bool evlist_search(struct evlist *l, const char *needle, int dir);
/* Matching events known so far (for titles). */
size_t evlist_count(const struct evlist *l);

#endif
