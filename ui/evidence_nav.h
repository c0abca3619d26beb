/*
 * Enter on an evidence ID: go to the entity it names.  One function for
 * every view that shows IDs (the findings view, the AI view), taking the
 * ID strings exactly as they are shown:
 *
 *   findings (docs/findings.md)     pid:N  dev:NAME  file:PATH  stk#N  cg:PATH
 *   AI answers (src/ai/ai_ids.h)    pid:N  and io#N stk#N dev#N hot#N
 *
 * pid:N means the same in both.  The AI's other IDs number the lines of
 * the prompt that was sent (stk#2 is the prompt's second stack, not stack
 * 2 of the stack store), so they are parsed with their scheme and refused
 * with a reason instead of jumping to the wrong entity.
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

enum evid_scheme { EVID_FINDINGS, EVID_AI };

enum evid_kind { EVK_PROCESS, EVK_DEVICE, EVK_FILE, EVK_STACK, EVK_CGROUP, EVK_PROMPT,
		 EVK_COUNTER };

struct evid_ref {
	enum evid_kind kind;
	uint32_t pid;
	uint64_t start_ns;     /* process: 0 when unknown (the newest with that pid) */
	uint32_t stack_id;     /* stack: id in the stack store */
	uint64_t cgroup_id;    /* cgroup: 0 when unknown */
	char name[FINDING_NAME_MAX]; /* device, path, cgroup path, or the ID itself */
};

/* Parse an ID as its scheme writes it (surrounding spaces, brackets and a
 * trailing "(never sent)" are ignored).  False with why when it is not one. */
bool evid_parse(const char *id, enum evid_scheme scheme, struct evid_ref *out, char *why,
		size_t whysz);
/* The same from a finding's evidence (it knows start times and cgroup ids). */
void evid_from_finding(const struct finding_evidence *v, struct evid_ref *out);
/* Go to the entity: pushes or shows a view, maybe sets the filter.  False
 * with why (for the status line) when there is nowhere to go. */
bool tui_goto_ref(struct tui *t, const struct evid_ref *r, char *why, size_t whysz);
/* evid_parse, then tui_goto_ref. */
bool tui_goto_evidence(struct tui *t, const char *id, enum evid_scheme scheme, char *why,
		       size_t whysz);

/* A line of text that cites IDs ("evidence: io#3 pid:12 (never sent)"):
 * go to the first one that leads somewhere; else false with the reason
 * the first ID gave, or that the line cites none. */
bool tui_goto_evidence_in(struct tui *t, const char *line, enum evid_scheme scheme, char *why,
			  size_t whysz);

#endif
