/*
 * AI (a): the answers in the AI answers store, live (the worker fills it)
 * or replayed (the recording does, as the replay clock reaches them): the
 * latest in full, each cited evidence id highlighted with what it pointed
 * at (unverified ones marked), then the history with times and token use.
 * Everything from the model was made display-safe when it was stored, and
 * is sanitized again when drawn.  Enter on an evidence line goes to the
 * entity it names (evidence_nav.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ai/ai_store.h"
#include "../src/ai/ai_worker.h"
#include "evidence_nav.h"
#include "text.h"
#include "theme.h"
#include "tui_int.h"
#include "w_doc.h"

/* Evidence lines carry this link: a = finding index, b = evidence index
 * (for a jump to the process or stack). */
#define AI_LINK_EVIDENCE 1
#define STATUS_MAX 1200

struct ai_view_state {
	struct view v;
	struct doc doc;
	uint64_t store_gen, snap_gen;
	struct ai_record *recs;       /* newest first */
	size_t nrecs;
	struct ai_store_stats st;
	char status[STATUS_MAX];
	int status_rc;
};

static enum role severity_role(enum ai_severity s)
{
	return s == AI_SEV_CRITICAL ? R_ERROR : s == AI_SEV_WARNING ? R_WARN : R_NORMAL;
}

/* "10:31:59 (t+31s)": the wall clock of the run, and the time from its start. */
static void when(const struct tui *t, double ts, char *buf, size_t sz)
{
	char clock[16];

	fmt_clock(clock, sizeof(clock), t->eng->origin_wall + ts, false);
	snprintf(buf, sz, "%s (t+%.0fs)", clock, ts < 0 ? 0 : (double)(long long)ts);
}

static void add_evidence(struct doc *d, const struct ai_record *r, int i)
{
	const struct ai_finding *f = &r->answer.findings[i];
	bool utf8 = theme_utf8();

	for (int k = 0; k < f->nevidence; k++) {
		if (f->evidence_sent[k])
			doc_link(d, R_MATCH, AI_LINK_EVIDENCE, (uint64_t)i, (uint64_t)k,
				 "     %s %s  %s", utf8 ? "\u25b8" : ">", f->evidence[k],
				 r->resolved[i][k][0] ? r->resolved[i][k] : "(sent)");
		else
			doc_link(d, R_WARN, AI_LINK_EVIDENCE, (uint64_t)i, (uint64_t)k,
				 "     %s %s  never sent: unverified", utf8 ? "\u2717" : "x",
				 f->evidence[k]);
	}
}

static void add_latest(struct doc *d, struct tui *t, const struct ai_record *r, int width)
{
	const struct ai_answer *a = &r->answer;
	char at[48];

	when(t, r->ts, at, sizeof(at));
	doc_rule(d, t->env->ai_recorded ? "Latest recorded answer" : "Latest answer");
	doc_add(d, severity_role(a->severity), "[%s] %s", ai_severity_name(a->severity), a->headline);
	if (t->env->ai_recorded)
		doc_add(d, R_DIM, "answered at %s  %s", at, AI_LABEL);
	else
		doc_add(d, R_DIM, "answered at %s, %.0fs ago  %s", at,
			engine_ts(t->eng, engine_now_ns()) - r->ts, AI_LABEL);
	doc_add(d, R_DIM, "confidence %s, %s%s%s", ai_confidence_name(a->confidence), a->app_or_infra,
		a->truncated ? ", truncated" : "", a->dropped ? ", items dropped" : "");
	for (int i = 0; i < a->nfindings; i++) {
		const struct ai_finding *f = &a->findings[i];

		doc_add(d, R_NORMAL, "%d. %s [%s%s]", i + 1, f->title, ai_certainty_name(f->certainty),
			f->verified ? "" : ", unverified");
		doc_wrap(d, R_DIM, 3, width, f->explanation);
		add_evidence(d, r, i);
	}
	for (int i = 0; i < a->nsteps; i++) {
		doc_add(d, R_NORMAL, "next: %s [%s]", a->steps[i].action, ai_risk_name(a->steps[i].risk));
		if (a->steps[i].has_command)
			doc_add(d, R_KEY, "      $ %s   (shown, never run)", a->steps[i].command);
	}
	for (int i = 0; i < a->nunknowns; i++)
		doc_add(d, R_DIM, "unknown: %s", a->unknowns[i]);
	doc_add(d, R_DIM, "tokens: %s%lld prompt + %lld answer (prompt estimated at %u, %d lines "
		"cut by the budget); %.1fs; model %s, %s", r->usage_estimated ? "~" : "",
		(long long)r->prompt_tokens, (long long)r->completion_tokens, r->prompt_tokens_est,
		r->lines_dropped, r->latency_s, r->model, r->format);
}

static void add_history(struct doc *d, struct tui *t, const struct ai_view_state *av)
{
	char at[48];

	doc_rule(d, "History");
	for (size_t i = 0; i < av->nrecs; i++) {
		const struct ai_record *r = &av->recs[i];

		when(t, r->ts, at, sizeof(at));
		doc_add(d, severity_role(r->answer.severity), "%s  [%s] %s  (%d finding(s), %d "
			"unverified, %s%lld+%lld tokens)", at, ai_severity_name(r->answer.severity),
			r->answer.headline, r->answer.nfindings, r->answer.unverified,
			r->usage_estimated ? "~" : "", (long long)r->prompt_tokens,
			(long long)r->completion_tokens);
	}
	doc_add(d, R_DIM, "tokens over %llu answer(s): %llu prompt + %llu answer",
		(unsigned long long)av->st.added, (unsigned long long)av->st.prompt_tokens,
		(unsigned long long)av->st.completion_tokens);
	if (av->st.dropped)
		doc_add(d, R_DIM, "%llu older answer(s) not kept (the history holds %d)",
			(unsigned long long)av->st.dropped, AI_STORE_CAP);
	if (av->st.rejected)
		doc_add(d, R_WARN, "%llu recorded answer(s) unreadable", (unsigned long long)av->st.rejected);
}

static void add_status(struct doc *d, struct tui *t, struct ai_view_state *av)
{
	if (t->env->ai_recorded) {
		doc_add(d, R_NOTE, "Replay: recorded AI answers, shown as the replay reaches them; "
			"r is unavailable in replay (it cannot ask).");
		return;
	}
	for (char *p = av->status, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		doc_add(d, av->status_rc < 0 && p == av->status ? R_ERROR : R_DIM, "%.*s",
			(int)(nl ? nl - p : (long)strlen(p)), p);
		if (!nl)
			break;
	}
}

static void build(struct ai_view_state *av, struct tui *t)
{
	struct doc *d = &av->doc;

	doc_begin(d);
	if (!t->env->ai_store) {
		doc_add(d, R_NOTE, "AI: not configured %s see perflens(8)", theme_utf8() ? "\u2014" : "-");
		doc_add(d, R_DIM, "set the AI endpoint and model in the config file; perflens then sends");
		doc_add(d, R_DIM, "a compact, scrubbed summary of what is slow and shows the answer here.");
	} else {
		add_status(d, t, av);
		if (!av->nrecs)
			doc_add(d, R_DIM, t->env->ai_recorded
				? "no AI answer recorded up to this point of the replay"
				: "no insight yet: the AI thread has not answered");
		else
			add_latest(d, t, &av->recs[0], t->body.w);
		if (av->nrecs)
			add_history(d, t, av);
	}
	doc_end(d, t->body.h);
}

static void refresh(struct ai_view_state *av, struct tui *t)
{
	struct ai_store_stats st;

	ai_store_stats(t->env->ai_store, &st);
	if (st.gen != av->store_gen) {
		av->store_gen = st.gen;
		av->nrecs = ai_store_list(t->env->ai_store, av->recs, AI_STORE_CAP);
	}
	av->st = st;
	av->status[0] = '\0';
	if (t->env->ai_status)
		av->status_rc = t->env->ai_status(t->env->prov_ctx, av->status, sizeof(av->status));
}

static void ai_update(struct view *v, struct tui *t)
{
	struct ai_view_state *av = (struct ai_view_state *)v;

	if (t->env->ai_store && av->recs && av->snap_gen != t->snap.gen) {
		av->snap_gen = t->snap.gen;
		refresh(av, t);
	}
	build(av, t);
}

static void ai_draw(struct view *v, struct tui *t, struct rect r)
{
	struct ai_view_state *av = (struct ai_view_state *)v;

	if (!av->doc.n)
		build(av, t);
	doc_draw(&av->doc, r, true);
}

/* Where an answer's cited evidence leads, from what the id pointed at when
 * it was asked.  A recorded stack id was the live run's, so in replay a
 * stack leads to its process instead. */
static bool goto_target(struct tui *t, const struct ai_evidence *e, char *why, size_t whysz)
{
	struct evid_ref r = { .kind = EVK_PROCESS, .pid = e->pid };
	uint32_t stack = e->ustack_id ? e->ustack_id : e->kstack_id;

	switch (e->kind) {
	case AI_EV_FINDING:
		tui_show(t, TV_FINDINGS);
		return true;
	case AI_EV_DEV:
		r.kind = EVK_DEVICE;
		break;
	case AI_EV_IO:
		if (e->name[0])
			r.kind = EVK_FILE;
		break;
	case AI_EV_STACK:
		if (stack && !t->env->ai_recorded) {
			r.kind = EVK_STACK;
			r.stack_id = stack;
		}
		break;
	case AI_EV_PID:
	case AI_EV_HOT:
		break;
	}
	snprintf(r.name, sizeof(r.name), "%s", e->name);
	if (r.kind == EVK_PROCESS && !r.pid) {
		snprintf(why, whysz, "this evidence names no process, device, file or stack");
		return false;
	}
	return tui_goto_ref(t, &r, why, whysz);
}

static unsigned ai_action(struct view *v, struct tui *t, enum action a)
{
	struct ai_view_state *av = (struct ai_view_state *)v;
	const struct doc_line *l = doc_selected(&av->doc);
	const struct ai_record *latest = av->nrecs ? &av->recs[0] : NULL;
	char why[300];

	if (a != ACT_ENTER)
		return list_action(&av->doc.ls, a, t->body.h);
	if (!l || l->link != AI_LINK_EVIDENCE || !latest || l->a >= AI_MAX_ITEMS ||
	    l->b >= AI_MAX_EVIDENCE) {
		tui_message(t, "Enter on a cited evidence line goes to what it names");
		return UI_REDRAW;
	}
	if (!latest->answer.findings[l->a].evidence_sent[l->b])
		tui_message(t, "%s was never sent to the AI: it names nothing",
			    latest->answer.findings[l->a].evidence[l->b]);
	else if (!goto_target(t, &latest->target[l->a][l->b], why, sizeof(why)))
		tui_message(t, "%s", why);
	return UI_REDRAW | UI_DATA;
}

static bool ai_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	return doc_search(&((struct ai_view_state *)v)->doc, needle, dir, t->body.h, false);
}

static void ai_free(struct view *v)
{
	struct ai_view_state *av = (struct ai_view_state *)v;

	doc_free(&av->doc);
	free(av->recs);
	free(av);
}

static const struct view_ops ai_ops = {
	.name = "ai",
	.ctx = CTX_AI,
	.update = ai_update,
	.draw = ai_draw,
	.action = ai_action,
	.search = ai_search,
	.free = ai_free,
};

struct view *view_ai_new(void)
{
	struct ai_view_state *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	av->recs = calloc(AI_STORE_CAP, sizeof(*av->recs));
	if (!av->recs) {
		free(av);
		return NULL;
	}
	av->v.ops = &ai_ops;
	av->snap_gen = av->store_gen = UINT64_MAX;
	snprintf(av->v.title, sizeof(av->v.title), "AI insight");
	return &av->v;
}
