/*
 * Hot functions (h): CPU samples per process (from the process table) and
 * the top symbols with self and total samples (from the hot_functions
 * provider), for the followed process or all.  Says which PMU event, or
 * which fallback, is sampled, and per process the IPC and cache-miss rate
 * (or why there are none) with page faults and context switches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tui_int.h"

#define MAX_HOT 100
#define TOP_SAMPLED 8

struct hot_view {
	struct view v;
	uint64_t gen;
	uint32_t pid;
	struct tui_hot hot[MAX_HOT];
	int nhot;
	struct tui_hot_info info;
	struct list_state ls;
};

static const char *pmu_text(struct tui *t)
{
	const struct pl_paths *p = t->env->paths;

	return p && p->pmu && strcmp(p->pmu, "none") ? p->pmu : NULL;
}

static void hot_update(struct view *v, struct tui *t)
{
	struct hot_view *hv = (struct hot_view *)v;
	const char *pmu = pmu_text(t);

	if (t->env->hot_functions && (hv->gen != t->snap.gen || hv->pid != t->focus_pid)) {
		hv->gen = t->snap.gen;
		hv->pid = t->focus_pid;
		memset(&hv->info, 0, sizeof(hv->info));
		hv->nhot = t->env->hot_functions(t->env->prov_ctx, hv->pid, hv->hot, MAX_HOT, &hv->info);
		if (hv->nhot < 0)
			hv->nhot = 0;
	}
	if (t->focus_pid)
		snprintf(v->title, sizeof(v->title), "Hot functions of pid %u", t->focus_pid);
	else
		snprintf(v->title, sizeof(v->title), "Hot functions, all processes");
	snprintf(v->info, sizeof(v->info), "sampling: %s",
		 hv->info.event[0] ? hv->info.event : pmu ? pmu : "off");
}

/* Processes with the most samples, from the snapshot, with how they used
 * the CPU: IPC and cache-miss rate where counters run, page faults and
 * context switches from /proc, and a line saying why IPC is missing. */
static int draw_sampled(struct tui *t, struct rect r)
{
	const struct proc_row *top[TOP_SAMPLED];
	char why[256], cells[48];
	size_t n = 0;
	int y = r.y + 1;

	for (size_t i = 0; i < t->snap.nprocs; i++) {
		const struct proc_row *p = &t->snap.procs[i];
		size_t at = n;

		if (!p->samples)
			continue;
		while (at > 0 && top[at - 1]->samples < p->samples)
			at--;
		if (at >= TOP_SAMPLED)
			continue;
		if (n < TOP_SAMPLED)
			n++;
		memmove(&top[at + 1], &top[at], (n - 1 - at) * sizeof(top[0]));
		top[at] = p;
	}
	draw_rule(r.y, r.x, r.w, "Samples per process", R_DIM);
	if (cpu_use_why_no_ipc(&t->snap, why, sizeof(why))[0])
		draw_text(y++, r.x + 2, r.w - 2, R_DIM, why);
	if (!n) {
		draw_text(y, r.x + 2, r.w - 2, R_DIM, "no CPU samples yet");
		return y + 1 - r.y;
	}
	draw_textf(y++, r.x, r.w, R_HEADER, "%10s  %7s %6s %7s %7s %7s  %s", "SAMPLES", "PID", "IPC",
		   "MISS", "FAULTS", "CSW", "COMM");
	for (size_t i = 0; i < n; i++)
		draw_textf(y++, r.x, r.w, R_NORMAL, "%10llu  %7u %s  %s",
			   (unsigned long long)top[i]->samples, top[i]->pid,
			   cpu_use_cells(&t->snap, top[i], cells, sizeof(cells)), top[i]->comm);
	return y - r.y;
}

static void hot_draw(struct view *v, struct tui *t, struct rect r)
{
	struct hot_view *hv = (struct hot_view *)v;
	int used = draw_sampled(t, r), y = r.y + used + 1, h = r.h - used - 2;

	draw_rule(y - 1, r.x, r.w, "Top symbols (self, total samples)", R_DIM);
	if (!t->env->hot_functions) {
		const char *pmu = pmu_text(t);

		if (pmu)
			draw_missing((struct rect){ y, r.x, h, r.w },
				     "hot functions: not available in this build",
				     "samples are taken but symbol folding is not wired into the screen yet");
		else
			draw_missing((struct rect){ y, r.x, h, r.w },
				     "hot functions: PMU sampling not enabled",
				     "run without --no-pmu; hardware events fall back to cpu-clock");
		return;
	}
	draw_textf(y, r.x, r.w, R_HEADER, "%10s %10s  %s", "SELF", "TOTAL", "FUNCTION");
	list_fit(&hv->ls, (size_t)hv->nhot, h - 1);
	if (!hv->nhot)
		draw_text(y + 1, r.x + 2, r.w - 2, R_DIM, "no samples yet");
	for (int i = 0; i + 1 < h && hv->ls.top + (size_t)i < (size_t)hv->nhot; i++) {
		const struct tui_hot *f = &hv->hot[hv->ls.top + (size_t)i];
		bool sel = hv->ls.top + (size_t)i == hv->ls.sel;

		if (sel)
			draw_fill(y + 1 + i, r.x, r.w, R_SELECTED);
		draw_textf(y + 1 + i, r.x, r.w, sel ? R_SELECTED : R_NORMAL, "%10llu %10llu  %s%s",
			   (unsigned long long)f->self, (unsigned long long)f->total, f->name,
			   f->kernel ? " [kernel]" : "");
	}
}

static unsigned hot_action(struct view *v, struct tui *t, enum action a)
{
	struct hot_view *hv = (struct hot_view *)v;

	return list_action(&hv->ls, a, t->body.h / 2);
}

static void hot_free(struct view *v)
{
	free(v);
}

static const struct view_ops hot_ops = {
	.needs_procs = true,
	.name = "hot",
	.ctx = CTX_HOT,
	.update = hot_update,
	.draw = hot_draw,
	.action = hot_action,
	.free = hot_free,
};

struct view *view_hot_new(void)
{
	struct hot_view *hv = calloc(1, sizeof(*hv));

	if (!hv)
		return NULL;
	hv->v.ops = &hot_ops;
	hv->gen = UINT64_MAX;
	snprintf(hv->v.title, sizeof(hv->v.title), "Hot functions");
	return &hv->v;
}
