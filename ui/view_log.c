/*
 * Log (L): stderr and library chatter caught while the screen is up
 * (libbpf warnings, our own notes).  It is printed to stderr after exit too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applog.h"
#include "tui_int.h"
#include "w_doc.h"

#define LOG_TAIL (64u << 10)

struct log_view {
	struct view v;
	struct doc doc;
	bool at_end;
	size_t size_seen;
};

static void build(struct log_view *lv, struct tui *t)
{
	char *buf = malloc(LOG_TAIL);
	size_t n;

	if (!buf)
		return;
	n = applog_tail(buf, LOG_TAIL);
	lv->size_seen = applog_size();
	doc_begin(&lv->doc);
	if (!applog_active())
		doc_add(&lv->doc, R_DIM, "(stderr is not captured in this run)");
	else if (!n)
		doc_add(&lv->doc, R_DIM, "(nothing logged yet)");
	for (char *p = buf, *nl; n && p < buf + n; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + n - p));
		if (!nl)
			nl = buf + n;
		*nl = '\0';
		doc_add(&lv->doc, strstr(p, "error") || strstr(p, "ERROR") ? R_ERROR
				  : strstr(p, "warn") ? R_WARN : R_NORMAL, "%s", p);
	}
	free(buf);
	doc_end(&lv->doc, t->body.h);
	if (lv->at_end)
		list_scroll(&lv->doc.ls, (long)lv->doc.n, t->body.h);
}

static void log_update(struct view *v, struct tui *t)
{
	struct log_view *lv = (struct log_view *)v;

	if (!lv->doc.n || applog_size() != lv->size_seen)
		build(lv, t);
	snprintf(v->info, sizeof(v->info), "%zu lines  printed to stderr after exit", lv->doc.n);
}

static void log_draw(struct view *v, struct tui *t, struct rect r)
{
	struct log_view *lv = (struct log_view *)v;

	if (!lv->doc.n)
		build(lv, t);
	doc_draw(&lv->doc, r, false);
}

static unsigned log_action(struct view *v, struct tui *t, enum action a)
{
	struct log_view *lv = (struct log_view *)v;
	int h = t->body.h;

	switch (a) {
	case ACT_UP: list_scroll(&lv->doc.ls, -1, h); break;
	case ACT_DOWN: list_scroll(&lv->doc.ls, 1, h); break;
	case ACT_PGUP: list_scroll(&lv->doc.ls, -h, h); break;
	case ACT_PGDN: list_scroll(&lv->doc.ls, h, h); break;
	case ACT_HOME: list_scroll(&lv->doc.ls, -(long)lv->doc.n, h); break;
	case ACT_END: list_scroll(&lv->doc.ls, (long)lv->doc.n, h); break;
	default: return 0;
	}
	lv->at_end = lv->doc.ls.top + (size_t)h >= lv->doc.n;
	return UI_REDRAW;
}

static bool log_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct log_view *lv = (struct log_view *)v;

	if (!doc_search(&lv->doc, needle, dir, t->body.h, true))
		return false;
	lv->at_end = false;
	return true;
}

static void log_free(struct view *v)
{
	struct log_view *lv = (struct log_view *)v;

	doc_free(&lv->doc);
	free(lv);
}

static const struct view_ops log_ops = {
	.name = "log",
	.ctx = CTX_LOG,
	.update = log_update,
	.draw = log_draw,
	.action = log_action,
	.search = log_search,
	.free = log_free,
};

struct view *view_log_new(void)
{
	struct log_view *lv = calloc(1, sizeof(*lv));

	if (!lv)
		return NULL;
	lv->v.ops = &log_ops;
	lv->at_end = true;
	snprintf(lv->v.title, sizeof(lv->v.title), "Log: stderr and libbpf messages");
	return &lv->v;
}
