/*
 * Help (? or F1; in the findings view ? explains a finding, F1 is help): generated from the key table that dispatches keys, so a
 * rebinding in the config file or a layer added later shows up here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"
#include "w_doc.h"

struct help_view {
	struct view v;
	struct doc doc;
	unsigned built_for;
};

static const struct {
	const char *title;
	unsigned ctx;
	enum action first, last;
} sections[] = {
	{ "Views", CTX_ALL, ACT_VIEW_DASH, ACT_VIEW_FINDINGS },
	{ "Everywhere", CTX_ALL, ACT_QUIT, ACT_REDRAW },
	{ "Moving around", CTX_ALL, ACT_UP, ACT_ENTER },
	{ "Events view", CTX_EVENTS, ACT_SORT, ACT_SORT },
	{ "Process tree", CTX_PROCS, ACT_FOLLOW, ACT_EXPAND_ALL },
	{ "Stacks view", CTX_STACKS, ACT_COLLAPSE, ACT_FLAME },
	{ "Findings view", CTX_FINDINGS, ACT_COLLAPSE, ACT_EXPLAIN },
	{ "Bookmarks (--record, --cast)", CTX_ALL, ACT_MARK, ACT_MARK },
	{ "AI view", CTX_AI, ACT_AI_ASK, ACT_AI_ASK },
	{ "Replay (--replay)", CTX_ALL, ACT_RP_PAUSE, ACT_RP_CURSOR },
};

bool help_lists_action(enum action a)
{
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		if (a >= sections[s].first && a <= sections[s].last)
			return true;
	return false;
}

static void add_action(struct doc *d, const struct keymap *km, enum action a, unsigned ctx)
{
	char keys[96];

	if (!keymap_keys_for(km, a, ctx, keys, sizeof(keys)))
		return;
	doc_add(d, R_NORMAL, "  %-18s %s", keys, action_help(a));
}

/* The names key.<action> takes, from the same table, wrapped at ~76 columns. */
static void add_action_names(struct doc *d)
{
	char line[128] = "  actions:";
	size_t n = strlen(line);

	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		const char *name = action_name((enum action)a);

		if (!name)
			continue;
		if (n + strlen(name) + 1 > 76) {
			doc_add(d, R_DIM, "%s", line);
			n = (size_t)snprintf(line, sizeof(line), "  ");
		}
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", name);
	}
	doc_add(d, R_DIM, "%s", line);
}

static void build(struct help_view *hv, struct tui *t)
{
	struct doc *d = &hv->doc;
	char path[512];

	doc_begin(d);
	doc_add(d, R_TITLE, "perflens %s: what is slow right now, and where it waited", PERFLENS_VERSION);
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		doc_rule(d, sections[s].title);
		for (int a = sections[s].first; a <= (int)sections[s].last; a++)
			add_action(d, &t->km, (enum action)a, sections[s].ctx);
	}
	doc_rule(d, "Filter (\\)");
	doc_add(d, R_NORMAL, "  terms, all must match: comm:NAME type:read kind:pipe file:PART pid:N re:REGEX");
	doc_add(d, R_NORMAL, "  cgroup:ID (the cgroup id events carry)");
	doc_add(d, R_NORMAL, "  a bare number is a pid, a bare type or kind is that, other words match comm");
	doc_add(d, R_NORMAL, "  or file; '!' in front negates a term; an empty filter clears it");
	doc_rule(d, "Mouse");
	doc_add(d, R_NORMAL, "  click a tab to switch views, click a row to select it, wheel scrolls");
	doc_rule(d, "Rebinding keys");
	if (config_default_path(path, sizeof(path)))
		snprintf(path, sizeof(path), "~/.config/perflens/config");
	doc_add(d, R_NORMAL, "  in %s, one line per action: key.<action> = <key> [<key>...]", path);
	doc_add(d, R_DIM, "  e.g. key.quit = x F10     key names: a-z, F1-F12, Enter, Esc, Space, Up,");
	doc_add(d, R_DIM, "  Down, Left, Right, PgUp, PgDn, Home, End, Backspace, Tab, ^L");
	add_action_names(d);
	doc_add(d, R_DIM, "  ui.color = never (monochrome)   ui.ascii = always (no box drawing)");
	if (t->km.nlayers > 1) {
		doc_rule(d, "Key layers");
		for (int l = 0; l < t->km.nlayers; l++)
			doc_add(d, R_DIM, "  %s: %zu keys", t->km.layer[l].name, t->km.layer[l].n);
	}
	doc_end(d, t->body.h);
}

static void help_update(struct view *v, struct tui *t)
{
	build((struct help_view *)v, t);
}

static void help_draw(struct view *v, struct tui *t, struct rect r)
{
	struct help_view *hv = (struct help_view *)v;

	if (!hv->doc.n)
		build(hv, t);
	doc_draw(&hv->doc, r, false);
}

static unsigned help_action(struct view *v, struct tui *t, enum action a)
{
	struct help_view *hv = (struct help_view *)v;
	int h = t->body.h;

	/* No selection here: the keys scroll the page. */
	switch (a) {
	case ACT_UP: list_scroll(&hv->doc.ls, -1, h); break;
	case ACT_DOWN: list_scroll(&hv->doc.ls, 1, h); break;
	case ACT_PGUP: list_scroll(&hv->doc.ls, -h, h); break;
	case ACT_PGDN: list_scroll(&hv->doc.ls, h, h); break;
	case ACT_HOME: list_scroll(&hv->doc.ls, -(long)hv->doc.n, h); break;
	case ACT_END: list_scroll(&hv->doc.ls, (long)hv->doc.n, h); break;
	default: return 0;
	}
	return UI_REDRAW;
}

static bool help_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct help_view *hv = (struct help_view *)v;

	return doc_search(&hv->doc, needle, dir, t->body.h, true);
}

static void help_free(struct view *v)
{
	struct help_view *hv = (struct help_view *)v;

	doc_free(&hv->doc);
	free(hv);
}

static const struct view_ops help_ops = {
	.name = "help",
	.ctx = CTX_HELP,
	.update = help_update,
	.draw = help_draw,
	.action = help_action,
	.search = help_search,
	.free = help_free,
};

struct view *view_help_new(void)
{
	struct help_view *hv = calloc(1, sizeof(*hv));

	if (!hv)
		return NULL;
	hv->v.ops = &help_ops;
	snprintf(hv->v.title, sizeof(hv->v.title), "Help: keys (generated from the key table)");
	return &hv->v;
}
