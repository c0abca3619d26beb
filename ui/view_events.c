/* Events view (e): recent slow events, by time or by latency, filterable. */
#include <stdio.h>
#include <stdlib.h>

#include "evlist.h"
#include "text.h"

#define MAX_STUCK 5

struct events_view {
	struct view v;
	struct evlist list;
	bool inited;
	/* Operations in flight right now, from the stuck_ops provider. */
	struct tui_stuck stuck[MAX_STUCK];
	int nstuck;
	uint64_t stuck_gen;
};

static void set_title(struct events_view *ev, struct tui *t)
{
	char n[16];

	snprintf(ev->v.title, sizeof(ev->v.title), "Events%s",
		 ev->list.by_lat ? " (slowest first)" : " (newest first)");
	fmt_count(n, sizeof(n), evlist_count(&ev->list));
	if (ev->list.busy)
		snprintf(ev->v.info, sizeof(ev->v.info), "scanning %.0f%%  %s shown  o: sort",
			 ev->list.progress * 100, n);
	else
		snprintf(ev->v.info, sizeof(ev->v.info), "%s%s shown  o: sort  Enter: details",
			 filter_active(&t->filter) ? "filtered: " : "", n);
}

static void read_stuck(struct events_view *ev, struct tui *t)
{
	if (!t->env->stuck_ops || ev->stuck_gen == t->snap.gen)
		return;
	ev->stuck_gen = t->snap.gen;
	ev->nstuck = t->env->stuck_ops(t->env->prov_ctx, ev->stuck, MAX_STUCK);
	if (ev->nstuck < 0)
		ev->nstuck = 0;
}

static void events_update(struct view *v, struct tui *t)
{
	struct events_view *ev = (struct events_view *)v;

	if (!ev->inited) {
		evlist_init(&ev->list, t, NULL, NULL, true);
		ev->inited = true;
	}
	read_stuck(ev, t);
	evlist_update(&ev->list, t->body.h - ev->nstuck);
	set_title(ev, t);
}

/* Stuck operations sit above the list, marked, their age growing. */
static int draw_stuck(struct events_view *ev, struct rect r)
{
	for (int i = 0; i < ev->nstuck && i < r.h - 2; i++) {
		const struct tui_stuck *s = &ev->stuck[i];
		char age[16];

		fmt_dur(age, sizeof(age), s->age_ns);
		draw_fill(r.y + i, r.x, r.w, R_WARN);
		draw_textf(r.y + i, r.x, r.w, R_WARN, "STUCK %8s  %-5s %7u %-15s fd %d  %s", age,
			   pl_type_name(s->type), s->pid, s->comm, s->fd, s->file);
	}
	return ev->nstuck < r.h - 2 ? ev->nstuck : 0;
}

static void events_draw(struct view *v, struct tui *t, struct rect r)
{
	struct events_view *ev = (struct events_view *)v;

	int used;

	if (!ev->inited)
		events_update(v, t);
	used = draw_stuck(ev, r);
	r.y += used;
	r.h -= used;
	evlist_draw(&ev->list, r);
}

static unsigned events_action(struct view *v, struct tui *t, enum action a)
{
	struct events_view *ev = (struct events_view *)v;

	(void)t;
	return ev->inited ? evlist_action(&ev->list, a) : 0;
}

static unsigned events_click(struct view *v, struct tui *t, int row, int col)
{
	struct events_view *ev = (struct events_view *)v;

	(void)t;
	(void)col;
	return ev->inited ? evlist_click(&ev->list, row - ev->nstuck) : 0;
}

static bool events_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct events_view *ev = (struct events_view *)v;

	(void)t;
	return ev->inited && evlist_search(&ev->list, needle, dir);
}

static bool events_busy(const struct view *v)
{
	const struct events_view *ev = (const struct events_view *)v;

	return ev->inited && ev->list.busy;
}

static void events_free(struct view *v)
{
	struct events_view *ev = (struct events_view *)v;

	evlist_fini(&ev->list);
	free(ev);
}

static const struct view_ops events_ops = {
	.name = "events",
	.ctx = CTX_EVENTS,
	.update = events_update,
	.draw = events_draw,
	.action = events_action,
	.click = events_click,
	.search = events_search,
	.busy = events_busy,
	.free = events_free,
};

struct view *view_events_new(void)
{
	struct events_view *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->v.ops = &events_ops;
	snprintf(ev->v.title, sizeof(ev->v.title), "Events");
	return &ev->v;
}
