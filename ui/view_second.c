/* The events of one second of the timeline (Enter on the cursor). */
#include <stdio.h>
#include <stdlib.h>

#include "evlist.h"
#include "text.h"

struct second_view {
	struct view v;
	struct evlist list;
	struct engine *eng;
	int64_t sec;
};

static bool in_second(const struct pl_event *ev, void *arg)
{
	const struct second_view *sv = arg;

	return engine_sec(sv->eng, ev->ts_ns) == sv->sec;
}

/* A second's events sit together in the log: find them by time (with a
 * second of margin either side for CPUs that delivered late). */
static void second_range(const struct eventlog *log, void *arg, uint64_t *lo, uint64_t *hi)
{
	const struct second_view *sv = arg;
	uint64_t start = sv->eng->origin_ns + (uint64_t)sv->sec * 1000000000ull;

	*lo = evlog_seq_at_ts(log, start > 1000000000ull ? start - 1000000000ull : 0);
	*hi = evlog_seq_at_ts(log, start + 2000000000ull);
	if (*hi >= eventlog_total(log))
		*hi = UINT64_MAX; /* still filling: keep taking new events */
}

static void second_update(struct view *v, struct tui *t)
{
	struct second_view *sv = (struct second_view *)v;
	char when[16], n[16];

	evlist_update(&sv->list, t->body.h);
	fmt_clock(when, sizeof(when), t->eng->origin_wall + (double)sv->sec, false);
	fmt_count(n, sizeof(n), evlist_count(&sv->list));
	snprintf(v->title, sizeof(v->title), "Events in second %s", when);
	snprintf(v->info, sizeof(v->info), "%s%s events  o: sort  Esc: back",
		 sv->list.busy ? "scanning... " : "", n);
}

static void second_draw(struct view *v, struct tui *t, struct rect r)
{
	(void)t;
	evlist_draw(&((struct second_view *)v)->list, r);
}

static unsigned second_action(struct view *v, struct tui *t, enum action a)
{
	(void)t;
	return evlist_action(&((struct second_view *)v)->list, a);
}

static unsigned second_click(struct view *v, struct tui *t, int row, int col)
{
	(void)t;
	(void)col;
	return evlist_click(&((struct second_view *)v)->list, row);
}

static bool second_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	(void)t;
	return evlist_search(&((struct second_view *)v)->list, needle, dir);
}

static bool second_busy(const struct view *v)
{
	return ((const struct second_view *)v)->list.busy;
}

static void second_free(struct view *v)
{
	struct second_view *sv = (struct second_view *)v;

	evlist_fini(&sv->list);
	free(sv);
}

static const struct view_ops second_ops = {
	.name = "second",
	.ctx = CTX_EVENTS | CTX_DETAIL,
	.update = second_update,
	.draw = second_draw,
	.action = second_action,
	.click = second_click,
	.search = second_search,
	.busy = second_busy,
	.free = second_free,
};

struct view *view_second_new(struct tui *t, int64_t sec)
{
	struct second_view *sv = calloc(1, sizeof(*sv));

	if (!sv)
		return NULL;
	sv->v.ops = &second_ops;
	sv->v.transient = true;
	sv->eng = t->eng;
	sv->sec = sec;
	evlist_init(&sv->list, t, in_second, sv, false);
	sv->list.range = second_range;
	snprintf(sv->v.title, sizeof(sv->v.title), "Events in second %lld", (long long)sec);
	return &sv->v;
}
