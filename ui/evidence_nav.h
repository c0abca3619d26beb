/*
 * Enter on evidence: go to the entity it names.  One function for every
 * view that shows evidence: the findings view (a finding's evidence) and
 * the AI view (what each cited id pointed at when the prompt was built;
 * the AI's io#N and stk#N number lines of that prompt, so the view passes
 * the entity, never the id).
 *
 * Where each leads: a process opens its detail view; a device or a file
 * the events view filtered to it; a stack the stacks view with that stack
 * selected and expanded; a cgroup the events view filtered to its id.
 */
#ifndef PERFLENS_UI_EVIDENCE_NAV_H
#define PERFLENS_UI_EVIDENCE_NAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/findings/findings.h"

struct tui;

enum evid_kind { EVK_PROCESS, EVK_DEVICE, EVK_FILE, EVK_STACK, EVK_CGROUP, EVK_COUNTER };

struct evid_ref {
	enum evid_kind kind;
	uint32_t pid;
	uint64_t start_ns;     /* process: 0 when unknown (the newest with that pid) */
	uint32_t stack_id;     /* stack: id in the stack store */
	uint64_t cgroup_id;    /* cgroup: 0 when unknown */
	char name[FINDING_NAME_MAX]; /* device, path, cgroup path, or the ID itself */
};

/* A finding's evidence (it knows start times and cgroup ids). */
void evid_from_finding(const struct finding_evidence *v, struct evid_ref *out);
/* Go to the entity: pushes or shows a view, maybe sets the filter.  False
 * with why (for the status line) when there is nowhere to go. */
bool tui_goto_ref(struct tui *t, const struct evid_ref *r, char *why, size_t whysz);

#endif
