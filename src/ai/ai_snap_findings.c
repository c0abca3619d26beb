/*
 * The rule engine's open findings and health score for the AI snapshot.
 * The findings are already the monitor's own conclusions, so the prompt
 * gets the worst of them; the model is asked to explain, not to re-derive.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../engine.h"
#include "../stack_resolver.h"
#include "../store/stacks.h"
#include "ai_snapshot.h"

/* Worst first: severity now, then the peak, then the oldest. */
static int cmp_worst(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity < y->severity ? 1 : -1;
	if (x->peak_severity != y->peak_severity)
		return x->peak_severity < y->peak_severity ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* A stack evidence's leaf frame, so it says something even when the stack
 * is not among the prompt's [stacks]. */
static void leaf_frame(const struct ai_snap_opts *o, struct finding_evidence *v)
{
	const struct stack_entry *e = !v->stack_id ? NULL
				      : o->res ? stack_resolve(o->res, v->stack_id)
					       : stackstore_get(o->eng->stacks, v->stack_id);
	const char *leaf = e ? stack_entry_frame(e, 0) : NULL;

	v->name[0] = '\0';
	if (leaf)
		stack_frame_function(leaf, v->name, sizeof(v->name));
}

/* Leave perflens' own pid out of the evidence, as out of every list. */
static void keep_evidence(const struct ai_snap_opts *o, struct finding *fd)
{
	int n = 0;

	for (int i = 0; i < fd->nev; i++) {
		struct finding_evidence *v = &fd->ev[i];

		if (v->kind == FEV_PROCESS && v->pid == o->self_pid)
			continue;
		if (v->kind == FEV_STACK)
			leaf_frame(o, v);
		fd->ev[n++] = *v;
	}
	fd->nev = n;
	if (fd->subject.scope == FSCOPE_PROCESS && fd->subject.pid == o->self_pid)
		fd->subject = (struct finding_subject){ .scope = FSCOPE_SYSTEM };
}

int ai_snapshot_findings(const struct ai_snap_opts *o, struct ai_snapshot *out)
{
	struct finding *all = malloc(FINDINGS_MAX_OPEN * sizeof(*all));
	size_t n;

	if (!all)
		return -ENOMEM;
	n = findings_list(o->findings, all, FINDINGS_MAX_OPEN, false);
	findings_health(o->findings, &out->health);
	qsort(all, n, sizeof(*all), cmp_worst);
	out->have_findings = true;
	out->findings_open = (int)n;
	out->nfindings = n < AI_SNAP_FINDINGS ? (int)n : AI_SNAP_FINDINGS;
	for (int i = 0; i < out->nfindings; i++) {
		out->findings[i] = all[i];
		keep_evidence(o, &out->findings[i]);
	}
	free(all);
	return 0;
}
