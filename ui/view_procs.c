/*
 * Process tree (p): every known process with its slow-op count, slow time
 * split into storage I/O and idle waits, block time and CPU samples.
 * Collapsible; exited processes are marked; Enter opens a process; F
 * follows one (the selection stays on it, and the stacks and hot views
 * show it).  The tree is rebuilt only when a new snapshot arrives or the
 * collapse set or filter changes, never per frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tui_int.h"
#include "w_tree.h"

#define COLLAPSE_MAX 1024

struct procs_view {
	struct view v;
	uint64_t built_gen;
	unsigned built_filter;
	bool dirty;
	/* rows of the current tree; idx points into t->snap.procs via map[] */
	struct tree_item *items;
	uint32_t *map;          /* item -> snapshot row */
	struct tree_row *rows;
	size_t nitems, nrows, cap;
	struct list_state ls;
	uint32_t sel_pid;
	uint32_t follow_pid;
	uint32_t collapsed[COLLAPSE_MAX]; /* pids, sorted */
	size_t ncollapsed;
	bool kthreads_default_done;
	struct proc_row *snap;  /* the snapshot the rows index */
};

/* ---- collapse set (sorted pids) ---- */

static size_t cfind(const struct procs_view *pv, uint32_t pid)
{
	size_t lo = 0, hi = pv->ncollapsed;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pv->collapsed[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_collapsed(const struct procs_view *pv, uint32_t pid)
{
	size_t i = cfind(pv, pid);

	return i < pv->ncollapsed && pv->collapsed[i] == pid;
}

static void set_collapsed(struct procs_view *pv, uint32_t pid, bool on)
{
	size_t i = cfind(pv, pid);
	bool has = i < pv->ncollapsed && pv->collapsed[i] == pid;

	if (on && !has && pv->ncollapsed < COLLAPSE_MAX) {
		memmove(&pv->collapsed[i + 1], &pv->collapsed[i], (pv->ncollapsed - i) * sizeof(uint32_t));
		pv->collapsed[i] = pid;
		pv->ncollapsed++;
	} else if (!on && has) {
		memmove(&pv->collapsed[i], &pv->collapsed[i + 1],
			(pv->ncollapsed - i - 1) * sizeof(uint32_t));
		pv->ncollapsed--;
	}
	pv->dirty = true;
}

static bool collapsed_cb(uint32_t idx, void *arg)
{
	struct procs_view *pv = arg;

	return is_collapsed(pv, pv->snap[pv->map[idx]].pid);
}

/* ---- building ---- */

static int grow(struct procs_view *pv, size_t n)
{
	if (n <= pv->cap)
		return 0;
	size_t cap = n + n / 4 + 64;
	void *a = realloc(pv->items, cap * sizeof(*pv->items));

	if (!a)
		return -1;
	pv->items = a;
	a = realloc(pv->map, cap * sizeof(*pv->map));
	if (!a)
		return -1;
	pv->map = a;
	a = realloc(pv->rows, cap * sizeof(*pv->rows));
	if (!a)
		return -1;
	pv->rows = a;
	pv->cap = cap;
	return 0;
}

/* pid -> snapshot row (the live incarnation wins), open addressing. */
struct pidmap {
	uint32_t *slot; /* row + 1, 0 = empty */
	size_t mask;
};

static int pidmap_build(struct pidmap *m, const struct proc_row *p, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap <<= 1;
	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot)
		return -1;
	m->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		size_t j = (p[i].pid * 2654435761u) & m->mask;

		while (m->slot[j] && p[m->slot[j] - 1].pid != p[i].pid)
			j = (j + 1) & m->mask;
		if (!m->slot[j] || (p[m->slot[j] - 1].exited && !p[i].exited) ||
		    (p[m->slot[j] - 1].exited && p[i].exited && p[i].start_ns > p[m->slot[j] - 1].start_ns))
			m->slot[j] = (uint32_t)i + 1;
	}
	return 0;
}

static long pidmap_get(const struct pidmap *m, const struct proc_row *p, uint32_t pid)
{
	size_t j = (pid * 2654435761u) & m->mask;

	while (m->slot[j]) {
		if (p[m->slot[j] - 1].pid == pid)
			return (long)m->slot[j] - 1;
		j = (j + 1) & m->mask;
	}
	return -1;
}

/* Which snapshot rows to show: all, or filter matches and their ancestors. */
static void choose(struct tui *t, const struct pidmap *m, uint8_t *keep)
{
	const struct proc_row *p = t->snap.procs;
	size_t n = t->snap.nprocs;

	if (!filter_active(&t->filter)) {
		memset(keep, 1, n);
		return;
	}
	memset(keep, 0, n);
	for (size_t i = 0; i < n; i++) {
		if (!filter_match_proc(&t->filter, p[i].pid, p[i].comm, NULL))
			continue;
		/* Walk up, bounded in case the snapshot holds a cycle. */
		long j = (long)i;
		for (int hops = 0; j >= 0 && hops < 4096 && !keep[j]; hops++) {
			keep[j] = 1;
			j = p[j].ppid && p[j].ppid != p[j].pid ? pidmap_get(m, p, p[j].ppid) : -1;
		}
	}
}

static void rebuild(struct procs_view *pv, struct tui *t)
{
	const struct proc_row *p = t->snap.procs;
	size_t n = t->snap.nprocs, k = 0;
	struct pidmap m;
	uint8_t *keep;
	uint32_t *item_of;

	pv->snap = t->snap.procs;
	pv->nitems = pv->nrows = 0;
	if (!n || grow(pv, n) || pidmap_build(&m, p, n))
		return;
	keep = malloc(n);
	item_of = malloc(n * sizeof(*item_of));
	if (keep && item_of) {
		choose(t, &m, keep);
		for (size_t i = 0; i < n; i++) {
			item_of[i] = TREE_NONE;
			if (keep[i]) {
				item_of[i] = (uint32_t)k;
				pv->map[k++] = (uint32_t)i;
			}
		}
		for (size_t i = 0; i < k; i++) {
			const struct proc_row *r = &p[pv->map[i]];
			long par = r->ppid && r->ppid != r->pid ? pidmap_get(&m, p, r->ppid) : -1;

			pv->items[i].parent = par >= 0 ? item_of[par] : TREE_NONE;
			pv->items[i].key = ((uint64_t)r->pid << 32) | (r->exited ? 1u : 0u);
		}
		pv->nitems = k;
		size_t rows = tree_flatten(pv->items, k, collapsed_cb, pv, pv->rows);
		pv->nrows = rows == (size_t)-1 ? 0 : rows;
	}
	free(keep);
	free(item_of);
	free(m.slot);
}

static const struct proc_row *row_proc(const struct procs_view *pv, size_t i)
{
	return i < pv->nrows ? &pv->snap[pv->map[pv->rows[i].idx]] : NULL;
}

/* Pid of row i, 0 when there is no such row. */
static uint32_t row_pid(const struct procs_view *pv, size_t i)
{
	const struct proc_row *p = row_proc(pv, i);

	return p ? p->pid : 0;
}

/* Put the selection back on sel_pid (its row may have moved). */
static void reselect(struct procs_view *pv, int height)
{
	uint32_t want = pv->follow_pid ? pv->follow_pid : pv->sel_pid;

	if (want)
		for (size_t i = 0; i < pv->nrows; i++)
			if (row_pid(pv, i) == want) {
				size_t off = pv->ls.sel >= pv->ls.top ? pv->ls.sel - pv->ls.top : 0;

				pv->ls.sel = i;
				pv->ls.top = i >= off ? i - off : 0;
				break;
			}
	list_fit(&pv->ls, pv->nrows, height);
	if (pv->nrows)
		pv->sel_pid = row_pid(pv, pv->ls.sel);
}

static void procs_update(struct view *v, struct tui *t)
{
	struct procs_view *pv = (struct procs_view *)v;
	size_t live = 0, exited = 0;

	if (!pv->kthreads_default_done) {
		/* Kernel threads are many and rarely interesting: fold them. */
		set_collapsed(pv, 2, true);
		pv->kthreads_default_done = true;
	}
	if (pv->dirty || pv->built_gen != t->snap.procs_gen || pv->built_filter != t->filter_gen ||
	    pv->snap != t->snap.procs) {
		rebuild(pv, t);
		pv->built_gen = t->snap.procs_gen;
		pv->built_filter = t->filter_gen;
		pv->dirty = false;
	}
	reselect(pv, t->body.h - 1);
	for (size_t i = 0; i < t->snap.nprocs; i++)
		t->snap.procs[i].exited ? exited++ : live++;
	snprintf(v->title, sizeof(v->title), "Process tree");
	if (pv->follow_pid)
		snprintf(v->info, sizeof(v->info), "following %u (F stops)  %zu live, %zu exited",
			 pv->follow_pid, live, exited);
	else
		snprintf(v->info, sizeof(v->info), "%zu live, %zu exited  c: fold  F: follow  Enter: details",
			 live, exited);
}

/* ---- drawing ---- */

enum { PC_PID, PC_STATE, PC_SLOW, PC_IO, PC_WAIT, PC_BLOCK, PC_SAMP, PC_CMD, PC_N };

static void columns(struct column *c, int width)
{
	static const struct column defs[PC_N] = {
		[PC_PID] = { "PID", 7, 9, true, false, 0, 0 },
		[PC_STATE] = { "S", 1, 8, false, false, 0, 0 },
		[PC_SLOW] = { "SLOW", 6, 7, true, false, 0, 0 },
		[PC_IO] = { "IO-TIME", 8, 6, true, false, 0, 0 },
		[PC_WAIT] = { "WAITS", 8, 5, true, false, 0, 0 },
		[PC_BLOCK] = { "BLOCK", 8, 3, true, false, 0, 0 },
		[PC_SAMP] = { "SAMPLES", 7, 2, true, false, 0, 0 },
		[PC_CMD] = { "COMMAND (tree)", 24, 10, false, true, 0, 0 },
	};

	memcpy(c, defs, sizeof(defs));
	table_layout(c, PC_N, width);
}

static void dur_cell(int y, int x, const struct column *c, enum role r, uint64_t ns)
{
	char b[16] = "";

	if (ns)
		fmt_dur(b, sizeof(b), ns);
	table_cell(y, x, c, r, b);
}

static void draw_row(struct procs_view *pv, int y, struct rect r, const struct column *c, size_t i)
{
	const struct tree_row *tr = &pv->rows[i];
	const struct proc_row *p = row_proc(pv, i);
	bool sel = i == pv->ls.sel;
	enum role base = sel ? R_SELECTED : p->exited ? R_EXITED : R_NORMAL;
	char buf[256], pre[200];
	uint64_t slow = p->storage_n + p->idle_n + p->block_n;

	if (sel)
		draw_fill(y, r.x, r.w, R_SELECTED);
	snprintf(buf, sizeof(buf), "%u", p->pid);
	table_cell(y, r.x, &c[PC_PID], base, buf);
	table_cell(y, r.x, &c[PC_STATE], base, p->exited ? "x" : "R");
	buf[0] = '\0';
	if (slow)
		fmt_count(buf, sizeof(buf), slow);
	table_cell(y, r.x, &c[PC_SLOW], base, buf);
	dur_cell(y, r.x, &c[PC_IO], base, p->storage_ns);
	dur_cell(y, r.x, &c[PC_WAIT], base, p->idle_ns);
	dur_cell(y, r.x, &c[PC_BLOCK], base, p->block_ns);
	buf[0] = '\0';
	if (p->samples)
		fmt_count(buf, sizeof(buf), p->samples);
	table_cell(y, r.x, &c[PC_SAMP], base, buf);
	tree_prefix(tr, 24, pre, sizeof(pre));
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", pre,
		 tr->flags & TREE_HAS_KIDS ? theme_glyph(tr->flags & TREE_COLLAPSED ? G_CLOSED : G_OPEN) : "",
		 tr->flags & TREE_HAS_KIDS ? "" : " ", p->comm[0] ? p->comm : "?",
		 p->pid == pv->follow_pid ? "  <- following" : p->exited ? " (exited)" : "");
	table_cell(y, r.x, &c[PC_CMD], base, buf);
}

static void procs_draw(struct view *v, struct tui *t, struct rect r)
{
	struct procs_view *pv = (struct procs_view *)v;
	struct column c[PC_N];

	if (pv->snap != t->snap.procs || pv->built_gen != t->snap.procs_gen)
		procs_update(v, t);
	columns(c, r.w);
	table_header(r.y, r.x, c, PC_N, r.w);
	if (!pv->nrows) {
		draw_text(r.y + 2, r.x + 2, r.w - 4, R_DIM,
			  filter_active(&t->filter) ? "no process matches the filter" : "no processes yet");
		return;
	}
	list_fit(&pv->ls, pv->nrows, r.h - 1);
	for (int i = 0; i + 1 < r.h && pv->ls.top + (size_t)i < pv->nrows; i++)
		draw_row(pv, r.y + 1 + i, r, c, pv->ls.top + (size_t)i);
}

/* ---- keys ---- */

static size_t parent_row(const struct procs_view *pv, size_t i)
{
	uint16_t d = pv->rows[i].depth;

	while (i > 0 && pv->rows[i].depth >= d)
		i--;
	return i;
}

static unsigned tree_key(struct procs_view *pv, struct tui *t, enum action a)
{
	const struct proc_row *p = row_proc(pv, pv->ls.sel);
	const struct tree_row *tr = pv->ls.sel < pv->nrows ? &pv->rows[pv->ls.sel] : NULL;

	if (!p)
		return 0;
	switch (a) {
	case ACT_LEFT:
		if ((tr->flags & TREE_HAS_KIDS) && !(tr->flags & TREE_COLLAPSED))
			set_collapsed(pv, p->pid, true);
		else if (tr->depth > 0)
			pv->sel_pid = row_pid(pv, parent_row(pv, pv->ls.sel));
		break;
	case ACT_RIGHT:
		set_collapsed(pv, p->pid, false);
		break;
	case ACT_COLLAPSE:
		set_collapsed(pv, p->pid, !is_collapsed(pv, p->pid));
		break;
	case ACT_ENTER:
		tui_push(t, view_proc_detail_new(t, p->pid, p->start_ns));
		break;
	case ACT_FOLLOW:
		pv->follow_pid = pv->follow_pid == p->pid ? 0 : p->pid;
		t->focus_pid = pv->follow_pid;
		if (pv->follow_pid)
			tui_message(t, "following %u %s", pv->follow_pid, p->comm);
		else
			tui_message(t, "not following");
		break;
	default:
		return 0;
	}
	return UI_REDRAW | UI_DATA;
}

static unsigned procs_action(struct view *v, struct tui *t, enum action a)
{
	struct procs_view *pv = (struct procs_view *)v;
	unsigned f;

	if (a == ACT_EXPAND_ALL) {
		pv->ncollapsed = 0;
		pv->dirty = true;
		return UI_REDRAW | UI_DATA;
	}
	f = list_action(&pv->ls, a, t->body.h - 1);
	if (f) {
		if (pv->nrows)
			pv->sel_pid = row_pid(pv, pv->ls.sel);
		if (pv->follow_pid && pv->sel_pid != pv->follow_pid) {
			pv->follow_pid = 0; /* moving by hand ends following */
			t->focus_pid = 0;
		}
		return f;
	}
	return tree_key(pv, t, a);
}

static unsigned procs_click(struct view *v, struct tui *t, int row, int col)
{
	struct procs_view *pv = (struct procs_view *)v;

	(void)col;
	if (row == 0 || !list_click(&pv->ls, row - 1, t->body.h - 1))
		return 0;
	pv->sel_pid = row_pid(pv, pv->ls.sel);
	return UI_REDRAW;
}

static bool procs_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct procs_view *pv = (struct procs_view *)v;

	for (size_t step = 1; step <= pv->nrows; step++) {
		size_t i = dir > 0 ? (pv->ls.sel + step) % pv->nrows
				   : (pv->ls.sel + pv->nrows - step % pv->nrows) % pv->nrows;
		const struct proc_row *p = row_proc(pv, i);
		char pid[16];

		if (!p)
			break;
		snprintf(pid, sizeof(pid), "%u", p->pid);
		if (strcasestr(p->comm, needle) || strcmp(pid, needle) == 0) {
			pv->ls.sel = i;
			pv->sel_pid = p->pid;
			list_fit(&pv->ls, pv->nrows, t->body.h - 1);
			return true;
		}
	}
	return false;
}

static void procs_free(struct view *v)
{
	struct procs_view *pv = (struct procs_view *)v;

	free(pv->items);
	free(pv->map);
	free(pv->rows);
	free(pv);
}

static const struct view_ops procs_ops = {
	.needs_procs = true,
	.name = "processes",
	.ctx = CTX_PROCS,
	.update = procs_update,
	.draw = procs_draw,
	.action = procs_action,
	.click = procs_click,
	.search = procs_search,
	.free = procs_free,
};

struct view *view_procs_new(void)
{
	struct procs_view *pv = calloc(1, sizeof(*pv));

	if (!pv)
		return NULL;
	pv->v.ops = &procs_ops;
	snprintf(pv->v.title, sizeof(pv->v.title), "Process tree");
	return &pv->v;
}
