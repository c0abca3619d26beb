/*
 * AI (a): the latest insight the AI thread published, through the
 * ai_summary provider.  Enter on a line citing evidence IDs goes to the
 * entity (evidence_nav.c).  Until that module is wired the pane says how to
 * configure it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_nav.h"
#include "tui_int.h"
#include "w_doc.h"

#define AI_TEXT_MAX 8192

struct ai_view {
	struct view v;
	struct doc doc;
	uint64_t gen;
	char text[AI_TEXT_MAX];
	int rc;
};

static void build(struct ai_view *av, struct tui *t)
{
	struct doc *d = &av->doc;

	doc_begin(d);
	if (!t->env->ai_summary) {
		doc_add(d, R_NOTE, "AI: not configured %s see perflens(8)", theme_utf8() ? "—" : "-");
		doc_add(d, R_DIM, "set the AI endpoint and model in the config file; perflens then sends");
		doc_add(d, R_DIM, "a compact, scrubbed summary of what is slow and shows the answer here.");
	} else if (av->rc == 0) {
		doc_add(d, R_DIM, "no insight yet: the AI thread has not answered");
	} else {
		if (av->rc < 0)
			doc_add(d, R_ERROR, "the last request failed:");
		/* The answer is untrusted text: one doc line per line, each sanitized when drawn. */
		for (char *p = av->text, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			char c = *nl;
			*nl = '\0';
			doc_add(d, R_NORMAL, "%s", p);
			*nl = c;
			if (!c)
				break;
		}
	}
	doc_end(d, t->body.h);
}

static void ai_update(struct view *v, struct tui *t)
{
	struct ai_view *av = (struct ai_view *)v;

	if (t->env->ai_summary && av->gen != t->snap.gen) {
		av->gen = t->snap.gen;
		av->text[0] = '\0';
		av->rc = t->env->ai_summary(t->env->prov_ctx, av->text, sizeof(av->text));
		av->text[sizeof(av->text) - 1] = '\0';
	}
	build(av, t);
}

static void ai_draw(struct view *v, struct tui *t, struct rect r)
{
	struct ai_view *av = (struct ai_view *)v;

	if (!av->doc.n)
		build(av, t);
	doc_draw(&av->doc, r, true);
}

static unsigned ai_action(struct view *v, struct tui *t, enum action a)
{
	struct ai_view *av = (struct ai_view *)v;
	const struct doc_line *l = doc_selected(&av->doc);
	char why[300];

	if (a != ACT_ENTER)
		return list_action(&av->doc.ls, a, t->body.h);
	/* Enter on a line citing evidence IDs goes to the first that leads somewhere. */
	if (l && !tui_goto_evidence_in(t, l->text, EVID_AI, why, sizeof(why)))
		tui_message(t, "%s", why);
	return UI_REDRAW | UI_DATA;
}

static void ai_free(struct view *v)
{
	struct ai_view *av = (struct ai_view *)v;

	doc_free(&av->doc);
	free(av);
}

static const struct view_ops ai_ops = {
	.name = "ai",
	.ctx = CTX_AI,
	.update = ai_update,
	.draw = ai_draw,
	.action = ai_action,
	.free = ai_free,
};

struct view *view_ai_new(void)
{
	struct ai_view *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	av->v.ops = &ai_ops;
	av->gen = UINT64_MAX;
	snprintf(av->v.title, sizeof(av->v.title), "AI insight");
	return &av->v;
}
