#include "evidence_nav.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ai/ai_ids.h"
#include "../src/stack_resolver.h"
#include "tui_int.h"

#define NAV_MAX_FRAMES 64
#define DOC_TEXT_MAX 1024

static const struct {
	const char *prefix;
	enum evid_kind kind;
} findings_prefixes[] = {
	{ "pid:", EVK_PROCESS }, { "dev:", EVK_DEVICE }, { "file:", EVK_FILE },
	{ "stk#", EVK_STACK },   { "cg:", EVK_CGROUP },  { "counter:", EVK_COUNTER },
};

/* The ID without what a list puts around it: "[pid:12]", " stk#3 (never sent)". */
static void trim(const char *id, char *out, size_t sz)
{
	size_t n;
	char *cut;

	while (*id == ' ' || *id == '[')
		id++;
	snprintf(out, sz, "%s", id);
	if ((cut = strstr(out, " (never sent)")))
		*cut = '\0';
	n = strlen(out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == ']'))
		out[--n] = '\0';
}

static bool parse_number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return false;
	v = strtoull(s, &end, 10);
	if (*end || v == 0 || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_findings_id(const char *id, struct evid_ref *r, char *why, size_t whysz)
{
	for (size_t i = 0; i < sizeof(findings_prefixes) / sizeof(findings_prefixes[0]); i++) {
		size_t n = strlen(findings_prefixes[i].prefix);
		const char *rest = id + n;
		uint64_t v;

		if (strncmp(id, findings_prefixes[i].prefix, n))
			continue;
		r->kind = findings_prefixes[i].kind;
		if (r->kind == EVK_PROCESS || r->kind == EVK_STACK) {
			if (!parse_number(rest, UINT32_MAX, &v)) {
				snprintf(why, whysz, "%s: not a number after %s", id, findings_prefixes[i].prefix);
				return false;
			}
			*(r->kind == EVK_PROCESS ? &r->pid : &r->stack_id) = (uint32_t)v;
		} else if (!*rest) {
			snprintf(why, whysz, "%s: no name after the prefix", id);
			return false;
		}
		snprintf(r->name, sizeof(r->name), "%s", r->kind == EVK_COUNTER ? id : rest);
		return true;
	}
	snprintf(why, whysz, "'%s' is not an evidence ID (pid:N dev:NAME file:PATH stk#N cg:PATH)",
		 id);
	return false;
}

/* The AI's IDs: pid:N names a process as the findings do; the rest number
 * lines of the prompt. */
static bool parse_ai_id(const char *id, struct evid_ref *r, char *why, size_t whysz)
{
	char norm[AI_ID_LEN];
	uint64_t v;

	if (!ai_id_normalize(id, norm, sizeof(norm))) {
		snprintf(why, whysz, "'%s' is not an AI evidence ID (pid:N io#N stk#N dev#N hot#N)", id);
		return false;
	}
	if (!strncmp(norm, "pid:", 4) && parse_number(norm + 4, UINT32_MAX, &v)) {
		r->kind = EVK_PROCESS;
		r->pid = (uint32_t)v;
	} else {
		r->kind = EVK_PROMPT;
	}
	snprintf(r->name, sizeof(r->name), "%s", norm);
	return true;
}

bool evid_parse(const char *id, enum evid_scheme scheme, struct evid_ref *out, char *why,
		size_t whysz)
{
	char clean[FINDING_NAME_MAX + 16];

	memset(out, 0, sizeof(*out));
	trim(id, clean, sizeof(clean));
	return scheme == EVID_AI ? parse_ai_id(clean, out, why, whysz)
				 : parse_findings_id(clean, out, why, whysz);
}

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
	case EVK_PROMPT:
		snprintf(why, whysz, "%s numbers a line of the prompt sent to the AI, not a stored "
			 "entity: only pid:N leads somewhere", r->name);
		return false;
	case EVK_COUNTER:
		snprintf(why, whysz, "%s is a measured figure, not an entity", r->name);
		return false;
	}
	return false;
}

bool tui_goto_evidence(struct tui *t, const char *id, enum evid_scheme scheme, char *why,
		       size_t whysz)
{
	struct evid_ref r;

	return evid_parse(id, scheme, &r, why, whysz) && tui_goto_ref(t, &r, why, whysz);
}

bool tui_goto_evidence_in(struct tui *t, const char *line, enum evid_scheme scheme, char *why,
			  size_t whysz)
{
	char buf[DOC_TEXT_MAX], *save = NULL, first_why[300] = "";

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *tok = strtok_r(buf, " ,;()", &save); tok; tok = strtok_r(NULL, " ,;()", &save)) {
		struct evid_ref r;
		char w[300];

		if (!evid_parse(tok, scheme, &r, w, sizeof(w)))
			continue;
		if (tui_goto_ref(t, &r, w, sizeof(w)))
			return true;
		if (!first_why[0])
			snprintf(first_why, sizeof(first_why), "%s", w);
	}
	snprintf(why, whysz, "%s", first_why[0] ? first_why : "no evidence ID on this line");
	return false;
}
