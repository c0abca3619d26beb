#include "evidence_nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/stack_resolver.h"
#include "tui_int.h"

#define NAV_MAX_FRAMES 64

void evid_from_finding(const struct finding_evidence *v, struct evid_ref *out)
{
	static const enum evid_kind kinds[FEV_NKINDS] = {
		[FEV_PROCESS] = EVK_PROCESS, [FEV_DEVICE] = EVK_DEVICE, [FEV_FILE] = EVK_FILE,
		[FEV_STACK] = EVK_STACK, [FEV_CGROUP] = EVK_CGROUP, [FEV_COUNTER] = EVK_COUNTER,
	};

	memset(out, 0, sizeof(*out));
	out->kind = (unsigned)v->kind < FEV_NKINDS ? kinds[v->kind] : EVK_COUNTER;
	out->pid = v->pid;
	out->start_ns = v->start_ns;
	out->stack_id = v->stack_id;
	out->cgroup_id = v->cgroup_id;
	snprintf(out->name, sizeof(out->name), "%s", v->name);
}

/* ---- going there ---- */

/* The events view, filtered by text (it replaces the current filter). */
static bool goto_events(struct tui *t, const char *filter, char *why, size_t whysz)
{
	char err[128];

	if (tui_set_filter(t, filter, err, sizeof(err))) {
		snprintf(why, whysz, "filter %s: %s", filter, err);
		return false;
	}
	tui_show(t, TV_EVENTS);
	tui_message(t, "filter: %s (\\ edits it, an empty filter clears it)", filter);
	return true;
}

/* A filter term for a path: terms end at a space and hold 95 bytes, so the
 * longest tail of the path without a space (substring match). */
static void path_term(const char *path, char *out, size_t sz)
{
	const char *tail = strrchr(path, ' ');
	size_t n;

	tail = tail ? tail + 1 : path;
	n = strlen(tail);
	if (n > 95)
		tail += n - 95;
	snprintf(out, sz, "file:%s", tail);
}

static bool goto_stack(struct tui *t, const struct evid_ref *r, char *why, size_t whysz)
{
	struct tui_frame fr[NAV_MAX_FRAMES];
	char names[NAV_MAX_FRAMES][128];
	const char *funcs[NAV_MAX_FRAMES];
	int n;

	if (!t->env->stack_frames) {
		snprintf(why, whysz, "stk#%u: stacks are not available in this build", r->stack_id);
		return false;
	}
	n = t->env->stack_frames(t->env->prov_ctx, r->stack_id, fr, NAV_MAX_FRAMES);
	if (n <= 0) {
		snprintf(why, whysz, "stk#%u: not in the stack store (yet)", r->stack_id);
		return false;
	}
	/* Frames come leaf first; the stacks view lists them root first. */
	for (int i = 0; i < n; i++) {
		stack_frame_function(fr[n - 1 - i].text, names[i], sizeof(names[i]));
		funcs[i] = names[i];
	}
	if (!view_stacks_reveal(t, funcs, n)) {
		snprintf(why, whysz, "stk#%u (leaf %s) is not among the stacks listed now", r->stack_id,
			 names[n - 1]);
		return false;
	}
	return true;
}

bool tui_goto_ref(struct tui *t, const struct evid_ref *r, char *why, size_t whysz)
{
	char term[FINDING_NAME_MAX + 32];

	switch (r->kind) {
	case EVK_PROCESS:
		tui_push(t, view_proc_detail_new(t, r->pid, r->start_ns));
		return true;
	case EVK_DEVICE:
		if (strpbrk(r->name, " \t")) {
			snprintf(why, whysz, "dev:%s: not a device name", r->name);
			return false;
		}
		snprintf(term, sizeof(term), "type:block file:%s", r->name);
		return goto_events(t, term, why, whysz);
	case EVK_FILE:
		path_term(r->name, term, sizeof(term));
		return goto_events(t, term, why, whysz);
	case EVK_STACK:
		return goto_stack(t, r, why, whysz);
	case EVK_CGROUP:
		if (!r->cgroup_id) {
			snprintf(why, whysz, "cg:%s: its cgroup id is not known here", r->name);
			return false;
		}
		snprintf(term, sizeof(term), "cgroup:%llu", (unsigned long long)r->cgroup_id);
		return goto_events(t, term, why, whysz);
	case EVK_COUNTER:
		snprintf(why, whysz, "%s is a measured figure, not an entity", r->name);
		return false;
	}
	return false;
}
