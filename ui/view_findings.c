/*
 * Findings (!): the health score with its reasons, the open and ongoing
 * findings (oldest first), then the bounded history of cleared ones
 * (newest first).  Each finding is one line (severity colour, state, age,
 * rule title, subject, value against its thresholds) with its evidence IDs
 * under it; Right, c or Enter expand it into its explanation, evidence
 * (Enter on an ID goes there, through evidence_nav) and recommendations,
 * each with its exact command, marked read-only or changes-the-system:
 * perflens shows them and never runs them.  ? explains the finding's rule:
 * thresholds, fire and clear durations.  Live the rules fill the store;
 * in replay the recorded findings do, as the replay clock reaches them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_nav.h"
#include "findings_fmt.h"
#include "tui_int.h"
#include "w_doc.h"

#define LIST_MAX (FINDINGS_MAX_OPEN + 64)
#define EXPANDED_MAX 32

enum { LK_FINDING = 1, LK_EVIDENCE, LK_REC };

struct findings_view {
	struct view v;
	struct doc doc;
	struct finding *list;        /* copied from the store each update */
	size_t n;
	struct findings_health health;
	struct findings_stats stats;
	uint64_t expanded[EXPANDED_MAX]; /* finding ids shown expanded */
	int nexpanded;
};

/* ---- expansion, by finding id (the list is rebuilt every refresh) ---- */

static int expanded_at(const struct findings_view *fv, uint64_t id)
{
	for (int i = 0; i < fv->nexpanded; i++)
		if (fv->expanded[i] == id)
			return i;
	return -1;
}

static void set_expanded(struct findings_view *fv, uint64_t id, bool on)
{
	int at = expanded_at(fv, id);

	if (on && at < 0) {
		if (fv->nexpanded == EXPANDED_MAX) /* the oldest expansion folds */
			memmove(fv->expanded, fv->expanded + 1, (EXPANDED_MAX - 1) * sizeof(uint64_t));
		else
			fv->nexpanded++;
		fv->expanded[fv->nexpanded - 1] = id;
	} else if (!on && at >= 0) {
		fv->expanded[at] = fv->expanded[--fv->nexpanded];
	}
}

static const struct finding *find_id(const struct findings_view *fv, uint64_t id)
{
	for (size_t i = 0; i < fv->n; i++)
		if (fv->list[i].id == id)
			return &fv->list[i];
	return NULL;
}

/* ---- building the document ---- */

static void add_evidence_ids(struct doc *d, const struct finding *fd)
{
	char line[DOC_LINE_MAX], id[FINDING_NAME_MAX + 16];
	size_t n = (size_t)snprintf(line, sizeof(line), "      evidence:");

	for (int i = 0; i < fd->nev && n < sizeof(line); i++) {
		findings_evidence_id(&fd->ev[i], id, sizeof(id));
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", id);
	}
	if (!fd->nev)
		snprintf(line + n, sizeof(line) - n, " none");
	doc_link(d, R_DIM, LK_FINDING, fd->id, 1, "%s", line);
}

static void add_expanded(struct doc *d, const struct finding *fd, int width)
{
	char id[FINDING_NAME_MAX + 16], cmd[512], what[160], num[32];

	doc_wrap(d, R_NORMAL, 6, width, fd->rule->explain);
	for (int i = 0; i < fd->nev; i++) {
		const struct finding_evidence *v = &fd->ev[i];

		findings_evidence_id(v, id, sizeof(id));
		fmt_figure(num, sizeof(num), v->value);
		if (v->what)
			snprintf(what, sizeof(what), "%s: %s %s", v->what, num, v->unit ? v->unit : "");
		else
			snprintf(what, sizeof(what), "value %s", num);
		/* A counter is a figure, not a place to go. */
		doc_link(d, v->kind == FEV_COUNTER ? R_DIM : R_KEY,
			 v->kind == FEV_COUNTER ? 0 : LK_EVIDENCE, fd->id, (uint64_t)i,
			 "      %s %s%s%s   %s%s", theme_utf8() ? "→" : "->", id,
			 v->kind == FEV_PROCESS ? " " : "", v->kind == FEV_PROCESS ? v->name : "", what,
			 v->kind == FEV_COUNTER ? "" : "   (Enter: go there)");
	}
	for (int i = 0; i < FINDINGS_MAX_RECS && fd->rule->recs[i].command; i++) {
		const struct findings_rec *r = &fd->rule->recs[i];

		findings_rec_command(fd, r, cmd, sizeof(cmd));
		doc_link(d, r->changes_system ? R_WARN : R_GOOD, LK_REC, fd->id, (uint64_t)i,
			 "      $ %s   [%s]", cmd, r->changes_system ? "changes the system" : "read-only");
		doc_add(d, R_DIM, "          %s", r->what);
	}
}

static void add_finding(struct findings_view *fv, struct tui *t, const struct finding *fd)
{
	char age[48], subj[300], val[160];
	bool open = expanded_at(fv, fd->id) >= 0;

	finding_age(fd, finding_now(t, fd), age, sizeof(age));
	finding_subject(fd, subj, sizeof(subj));
	finding_value(fd, val, sizeof(val));
	doc_link(&fv->doc, finding_role(fd), LK_FINDING, fd->id, 0, "%s %-8s %-7s %-20s %s %s %s  %s",
		 theme_glyph(open ? G_OPEN : G_CLOSED), findings_severity_name(fd->severity),
		 findings_state_name(fd->state), age, fd->rule->title, theme_utf8() ? "—" : "-", subj,
		 val);
	add_evidence_ids(&fv->doc, fd);
	if (open)
		add_expanded(&fv->doc, fd, t->body.w);
}

static void build(struct findings_view *fv, struct tui *t)
{
	struct doc *d = &fv->doc;
	char line[DOC_LINE_MAX];
	size_t nopen = 0;

	doc_begin(d);
	if (!t->env->findings) {
		doc_add(d, R_NOTE, "findings: not available (no rule engine in this session)");
		doc_end(d, t->body.h);
		return;
	}
	findings_health_line(&fv->health, line, sizeof(line));
	/* The score's line stands for its main reason: Enter and ? act on it. */
	doc_link(d, findings_health_role(fv->health.score), fv->health.nreasons ? LK_FINDING : 0,
		 fv->health.nreasons ? fv->health.reasons[0].finding_id : 0, 2, "%s", line);
	while (nopen < fv->n && fv->list[nopen].state != FINDING_CLEARED)
		nopen++;
	doc_rule(d, "Open and ongoing (oldest first)");
	if (!nopen)
		doc_add(d, R_GOOD, "  no open findings");
	for (size_t i = 0; i < nopen; i++)
		add_finding(fv, t, &fv->list[i]);
	if (fv->stats.replay_dropped)
		doc_add(d, R_WARN, "  %llu recorded findings not shown: every open slot was busy",
			(unsigned long long)fv->stats.replay_dropped);
	snprintf(line, sizeof(line), "Cleared (newest first; %llu older ones left the history)",
		 (unsigned long long)fv->stats.history_dropped);
	doc_rule(d, line);
	if (nopen == fv->n)
		doc_add(d, R_DIM, "  none cleared yet");
	for (size_t i = nopen; i < fv->n; i++)
		add_finding(fv, t, &fv->list[i]);
	doc_end(d, t->body.h);
}

static void fview_update(struct view *v, struct tui *t)
{
	struct findings_view *fv = (struct findings_view *)v;
	struct findings *f = t->env->findings;

	fv->n = 0;
	if (f) {
		fv->n = findings_list(f, fv->list, LIST_MAX, true);
		findings_health(f, &fv->health);
		findings_stats(f, &fv->stats);
		snprintf(v->info, sizeof(v->info), "open %d  opened %llu  cleared %llu  Enter: expand/go  "
			 "?: explain", fv->health.nopen, (unsigned long long)fv->stats.opened,
			 (unsigned long long)fv->stats.cleared);
	}
	build(fv, t);
}

static void fview_draw(struct view *v, struct tui *t, struct rect r)
{
	struct findings_view *fv = (struct findings_view *)v;

	if (!fv->doc.n)
		build(fv, t);
	doc_draw(&fv->doc, r, true);
}

/* ---- keys ---- */

static unsigned on_enter(struct findings_view *fv, struct tui *t, const struct doc_line *l)
{
	const struct finding *fd = find_id(fv, l->a);
	char why[300];
	struct evid_ref ref;

	if (!fd)
		return 0;
	if (l->link == LK_FINDING) {
		set_expanded(fv, fd->id, expanded_at(fv, fd->id) < 0);
		return UI_REDRAW | UI_DATA;
	}
	if (l->link == LK_REC) {
		tui_message(t, "perflens never runs a recommendation: copy the command to run it");
		return UI_REDRAW;
	}
	evid_from_finding(&fd->ev[l->b], &ref);
	if (!tui_goto_ref(t, &ref, why, sizeof(why)))
		tui_message(t, "%s", why);
	return UI_REDRAW | UI_DATA;
}

static struct view *explain_new(const struct finding *fd);

static unsigned fview_action(struct view *v, struct tui *t, enum action a)
{
	struct findings_view *fv = (struct findings_view *)v;
	const struct doc_line *l = doc_selected(&fv->doc);
	const struct finding *fd = l && l->link > 0 ? find_id(fv, l->a) : NULL;

	switch (a) {
	case ACT_ENTER:
		return l && l->link > 0 ? on_enter(fv, t, l) : 0;
	case ACT_RIGHT:
	case ACT_LEFT:
	case ACT_COLLAPSE:
		if (!fd)
			return 0;
		set_expanded(fv, fd->id, a == ACT_RIGHT ? true : a == ACT_LEFT ? false
					  : expanded_at(fv, fd->id) < 0);
		return UI_REDRAW | UI_DATA;
	case ACT_EXPAND_ALL: {
		bool on = fv->nexpanded == 0;

		fv->nexpanded = 0;
		for (size_t i = 0; on && i < fv->n; i++)
			set_expanded(fv, fv->list[i].id, true);
		return UI_REDRAW | UI_DATA;
	}
	case ACT_EXPLAIN:
		if (!fd) {
			tui_message(t, "select a finding first (F1 is help)");
			return UI_REDRAW;
		}
		tui_push(t, explain_new(fd));
		return UI_REDRAW | UI_DATA;
	default:
		return list_action(&fv->doc.ls, a, t->body.h);
	}
}

static unsigned fview_click(struct view *v, struct tui *t, int row, int col)
{
	(void)col;
	return list_click(&((struct findings_view *)v)->doc.ls, row, t->body.h) ? UI_REDRAW : 0;
}

static bool fview_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct findings_view *fv = (struct findings_view *)v;

	return doc_search(&fv->doc, needle, dir, t->body.h, false);
}

static void fview_free(struct view *v)
{
	struct findings_view *fv = (struct findings_view *)v;

	doc_free(&fv->doc);
	free(fv->list);
	free(fv);
}

static const struct view_ops fview_ops = {
	.name = "findings",
	.ctx = CTX_FINDINGS,
	.update = fview_update,
	.draw = fview_draw,
	.action = fview_action,
	.click = fview_click,
	.search = fview_search,
	.free = fview_free,
};

struct view *view_findings_new(void)
{
	struct findings_view *fv = calloc(1, sizeof(*fv));

	if (!fv)
		return NULL;
	fv->list = calloc(LIST_MAX, sizeof(*fv->list));
	if (!fv->list) {
		free(fv);
		return NULL;
	}
	fv->v.ops = &fview_ops;
	snprintf(fv->v.title, sizeof(fv->v.title), "Findings");
	return &fv->v;
}

/* ---- ? on a finding: its rule explained, a page of its own ---- */

struct explain_view {
	struct view v;
	struct doc doc;
	struct finding fd;       /* as it was when asked about */
	int width;               /* the text was wrapped for */
};

static void explain_build(struct explain_view *ev, int width, int height)
{
	const struct finding *fd = &ev->fd;
	const struct findings_rule *r = fd->rule;
	const struct findings_input_info *in = findings_input_info(r->input);
	struct doc *d = &ev->doc;
	char val[160];

	doc_begin(d);
	doc_add(d, finding_role(fd), "%s (rule %s, %s)", r->title, r->id,
		findings_category_name(r->category));
	doc_rule(d, "What it means");
	doc_wrap(d, R_NORMAL, 2, width, r->explain);
	doc_rule(d, "Thresholds");
	finding_value(fd, val, sizeof(val));
	doc_add(d, R_NORMAL, "  now: %s", val);
	doc_add(d, R_NORMAL, "  input: %s, in %s", in->name, in->unit);
	doc_wrap(d, R_DIM, 4, width, in->source);
	doc_add(d, R_WARN, "  warning  at or above %.4g %s", r->warn, in->unit);
	doc_add(d, R_CRITICAL, "  critical at or above %.4g %s", r->crit, in->unit);
	doc_add(d, R_NORMAL, "  fires after %u consecutive second%s over; clears after %u second%s "
		"under", r->fire_after_s, r->fire_after_s == 1 ? "" : "s", r->clear_after_s,
		r->clear_after_s == 1 ? "" : "s");
	if (r->min_support > 0 && in->support)
		doc_add(d, R_NORMAL, "  only while %s reaches %.4g %s", in->support, r->min_support,
			in->support_unit ? in->support_unit : "");
	doc_rule(d, "Why these thresholds");
	doc_wrap(d, R_DIM, 2, width, r->why);
	doc_add(d, R_DIM, "Esc: back.  docs/findings.md lists every rule.");
	doc_end(d, height);
}

static void explain_draw(struct view *v, struct tui *t, struct rect r)
{
	struct explain_view *ev = (struct explain_view *)v;

	(void)t;
	if (ev->width != r.w) {
		ev->width = r.w;
		explain_build(ev, r.w, r.h);
	}
	doc_draw(&ev->doc, r, false);
}

static unsigned explain_action(struct view *v, struct tui *t, enum action a)
{
	return list_action(&((struct explain_view *)v)->doc.ls, a, t->body.h);
}

static void explain_free(struct view *v)
{
	doc_free(&((struct explain_view *)v)->doc);
	free(v);
}

static const struct view_ops explain_ops = {
	.name = "finding explained",
	.ctx = CTX_DETAIL,
	.draw = explain_draw,
	.action = explain_action,
	.free = explain_free,
};

/* The text is built for the width it is drawn at: the rule does not change,
 * and the value shown is the one the user asked about. */
static struct view *explain_new(const struct finding *fd)
{
	struct explain_view *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->v.ops = &explain_ops;
	ev->v.transient = true;
	snprintf(ev->v.title, sizeof(ev->v.title), "Finding #%llu explained",
		 (unsigned long long)fd->id);
	ev->fd = *fd;
	return &ev->v;
}
