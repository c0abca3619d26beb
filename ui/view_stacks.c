/*
 * Stacks (s): the top stacks for the followed process (F in the tree) or
 * for all, slow-op stacks or off-CPU wait stacks (Left/Right switch), as a
 * list whose frames expand (c, *), or as an icicle (f).  The data comes
 * from the folded_stacks provider; without one the pane says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tui_int.h"
#include "w_icicle.h"

#define FOLDED_MAX (256u << 10)
#define MAX_STACKS 200
#define MAX_BOXES 2048

struct stack_line {
	const char *text;  /* into folded: "a;b;c" */
	size_t len;
	uint64_t weight;
	bool open;
};

struct stacks_view {
	struct view v;
	int role;
	bool flame;
	uint32_t pid;
	uint64_t gen;
	char *folded;
	struct stack_line lines[MAX_STACKS];
	size_t nlines;
	uint64_t total;
	struct icicle *ic;
	uint32_t zoom;
	struct list_state ls;        /* list mode: visual rows */
	size_t sel_box;              /* flame mode */
	struct icicle_box boxes[MAX_BOXES];
	size_t nboxes;
};

static const char *role_name(int role)
{
	return role == TUI_STACKS_WAIT ? "off-CPU wait stacks" : "slow-op stacks";
}

static void parse_lines(struct stacks_view *sv, size_t len)
{
	sv->nlines = 0;
	sv->total = 0;
	for (char *p = sv->folded; p < sv->folded + len && sv->nlines < MAX_STACKS;) {
		char *nl = memchr(p, '\n', (size_t)(sv->folded + len - p));
		char *end = nl ? nl : sv->folded + len;
		char *sp = end;

		while (sp > p && sp[-1] != ' ')
			sp--;
		if (sp > p) {
			struct stack_line *l = &sv->lines[sv->nlines++];

			l->text = p;
			l->len = (size_t)(sp - 1 - p);
			l->weight = strtoull(sp, NULL, 10);
			l->open = false;
			sv->total += l->weight;
		}
		p = end + 1;
	}
}

static void fetch(struct stacks_view *sv, struct tui *t)
{
	size_t len;

	if (!t->env->folded_stacks)
		return;
	if (sv->gen == t->snap.gen && sv->pid == t->focus_pid && sv->folded)
		return;
	if (sv->pid != t->focus_pid)
		sv->zoom = 0;
	sv->gen = t->snap.gen;
	sv->pid = t->focus_pid;
	if (!sv->folded)
		sv->folded = malloc(FOLDED_MAX);
	if (!sv->folded)
		return;
	len = t->env->folded_stacks(t->env->prov_ctx, sv->pid, sv->role, sv->folded, FOLDED_MAX);
	if (len >= FOLDED_MAX)
		len = FOLDED_MAX - 1;
	sv->folded[len] = '\0';
	icicle_free(sv->ic);
	sv->ic = icicle_parse(sv->folded, len);
	parse_lines(sv, len);
	if (sv->ic && sv->zoom >= icicle_nodes(sv->ic))
		sv->zoom = 0;
}

static void stacks_update(struct view *v, struct tui *t)
{
	struct stacks_view *sv = (struct stacks_view *)v;

	fetch(sv, t);
	if (t->focus_pid)
		snprintf(v->title, sizeof(v->title), "Stacks: %s of pid %u", role_name(sv->role),
			 t->focus_pid);
	else
		snprintf(v->title, sizeof(v->title), "Stacks: %s, all processes", role_name(sv->role));
	snprintf(v->info, sizeof(v->info), "%s  <- ->: slow/wait  f: %s  F in the tree picks a process",
		 sv->flame ? "flame" : "list", sv->flame ? "list" : "flame");
}

/* ---- list mode: a row per stack, plus one per frame when expanded ---- */

static size_t visual_rows(const struct stacks_view *sv)
{
	size_t n = 0;

	for (size_t i = 0; i < sv->nlines; i++) {
		n++;
		if (sv->lines[i].open)
			for (size_t k = 0; k < sv->lines[i].len; k++)
				n += sv->lines[i].text[k] == ';';
		n += sv->lines[i].open;
	}
	return n;
}

/* Which stack (and frame, -1 for the stack row) is visual row r. */
static size_t locate(const struct stacks_view *sv, size_t r, long *frame)
{
	for (size_t i = 0; i < sv->nlines; i++) {
		size_t frames = 1;

		for (size_t k = 0; k < sv->lines[i].len; k++)
			frames += sv->lines[i].text[k] == ';';
		if (r == 0) {
			*frame = -1;
			return i;
		}
		r--;
		if (sv->lines[i].open) {
			if (r < frames) {
				*frame = (long)r;
				return i;
			}
			r -= frames;
		}
	}
	*frame = -1;
	return sv->nlines;
}

/* Frame k (0 = root) of a folded stack, into buf. */
static void frame_text(const struct stack_line *l, long k, char *buf, size_t sz)
{
	const char *p = l->text, *end = l->text + l->len;

	for (long i = 0; i < k && p < end; i++) {
		const char *semi = memchr(p, ';', (size_t)(end - p));

		p = semi ? semi + 1 : end;
	}
	const char *semi = memchr(p, ';', (size_t)(end - p));
	size_t n = (size_t)((semi ? semi : end) - p);

	if (n >= sz)
		n = sz - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

static void draw_list(struct stacks_view *sv, struct rect r)
{
	size_t rows = visual_rows(sv);

	list_fit(&sv->ls, rows, r.h);
	for (int i = 0; i < r.h && sv->ls.top + (size_t)i < rows; i++) {
		size_t vr = sv->ls.top + (size_t)i;
		long frame;
		size_t s = locate(sv, vr, &frame);
		const struct stack_line *l = &sv->lines[s];
		bool sel = vr == sv->ls.sel;
		enum role role = sel ? R_SELECTED : R_NORMAL;
		char buf[512], w[16];

		if (sel)
			draw_fill(r.y + i, r.x, r.w, R_SELECTED);
		if (frame < 0) {
			char leaf[256];
			long nframes = 0;

			for (size_t k = 0; k < l->len; k++)
				nframes += l->text[k] == ';';
			frame_text(l, nframes, leaf, sizeof(leaf));
			fmt_count(w, sizeof(w), l->weight);
			snprintf(buf, sizeof(buf), "%s %5.1f%% %8s  %s (%ld frames)",
				 theme_glyph(l->open ? G_OPEN : G_CLOSED),
				 sv->total ? 100.0 * (double)l->weight / (double)sv->total : 0.0, w, leaf,
				 nframes + 1);
			draw_text(r.y + i, r.x, r.w, role, buf);
		} else {
			frame_text(l, frame, buf, sizeof(buf));
			draw_textf(r.y + i, r.x + 4, r.w - 4, sel ? role : R_DIM, "%*s%s", (int)(frame % 20),
				   "", buf);
		}
	}
}

/* ---- flame mode ---- */

static void draw_flame(struct stacks_view *sv, struct tui *t, struct rect r)
{
	(void)t;
	if (!sv->ic || !icicle_total(sv->ic)) {
		draw_text(r.y + 1, r.x + 2, r.w - 4, R_DIM, "no stacks recorded yet");
		return;
	}
	sv->nboxes = icicle_layout(sv->ic, sv->zoom, r.w, r.h - 1, sv->boxes, MAX_BOXES);
	if (sv->sel_box >= sv->nboxes)
		sv->sel_box = 0;
	for (size_t i = 0; i < sv->nboxes; i++) {
		const struct icicle_box *b = &sv->boxes[i];
		enum role role = i == sv->sel_box ? R_SELECTED : (enum role)(R_HEAT1 + (b->depth + (int)i) % 4);

		draw_fill(r.y + b->depth, r.x + b->x, b->w, role == R_SELECTED ? R_SELECTED : R_TAB);
		draw_text(r.y + b->depth, r.x + b->x, b->w, role == R_SELECTED ? R_SELECTED : R_TAB,
			  b->name);
		(void)role;
	}
	if (sv->sel_box < sv->nboxes) {
		const struct icicle_box *b = &sv->boxes[sv->sel_box];
		char w[16];

		fmt_count(w, sizeof(w), b->value);
		draw_textf(r.y + r.h - 1, r.x, r.w, R_DIM, "%s  %s (%.1f%%)  Enter: zoom in/out", b->name, w,
			   100.0 * (double)b->value / (double)icicle_total(sv->ic));
	}
}

static void stacks_draw(struct view *v, struct tui *t, struct rect r)
{
	struct stacks_view *sv = (struct stacks_view *)v;

	if (!t->env->folded_stacks) {
		draw_missing(r, "stacks: not available in this build",
			     "the stack store is not wired into the screen yet; the flame view and "
			     "frame lists appear here once it is");
		return;
	}
	if (!sv->nlines) {
		draw_text(r.y + 1, r.x + 2, r.w - 4, R_DIM, "no stacks recorded yet");
		return;
	}
	if (sv->flame)
		draw_flame(sv, t, r);
	else
		draw_list(sv, r);
}

/* Move between flame boxes: same depth left/right, parent up, child down. */
static void flame_move(struct stacks_view *sv, enum action a)
{
	const struct icicle_box *cur = &sv->boxes[sv->sel_box];
	size_t best = sv->sel_box;

	for (size_t i = 0; i < sv->nboxes; i++) {
		const struct icicle_box *b = &sv->boxes[i];

		if ((a == ACT_LEFT && b->depth == cur->depth && b->x < cur->x &&
		     (best == sv->sel_box || b->x > sv->boxes[best].x)) ||
		    (a == ACT_RIGHT && b->depth == cur->depth && b->x > cur->x &&
		     (best == sv->sel_box || b->x < sv->boxes[best].x)) ||
		    (a == ACT_UP && b->depth == cur->depth - 1 && b->x <= cur->x && b->x + b->w > cur->x) ||
		    (a == ACT_DOWN && b->depth == cur->depth + 1 && b->x >= cur->x &&
		     b->x < cur->x + cur->w && best == sv->sel_box))
			best = i;
	}
	sv->sel_box = best;
}

static unsigned stacks_action(struct view *v, struct tui *t, enum action a)
{
	struct stacks_view *sv = (struct stacks_view *)v;

	if (a == ACT_FLAME) {
		sv->flame = !sv->flame;
		return UI_REDRAW | UI_DATA;
	}
	if (!sv->flame && (a == ACT_LEFT || a == ACT_RIGHT)) {
		sv->role = sv->role == TUI_STACKS_SLOW ? TUI_STACKS_WAIT : TUI_STACKS_SLOW;
		sv->gen = UINT64_MAX;
		return UI_REDRAW | UI_DATA;
	}
	if (sv->flame && sv->nboxes) {
		if (a == ACT_ENTER) {
			uint32_t node = sv->boxes[sv->sel_box].node;

			sv->zoom = node == sv->zoom ? icicle_parent(sv->ic, node) : node;
			sv->sel_box = 0;
		} else {
			flame_move(sv, a);
		}
		return UI_REDRAW;
	}
	if (a == ACT_COLLAPSE || a == ACT_ENTER) {
		long frame;
		size_t s = locate(sv, sv->ls.sel, &frame);

		if (s < sv->nlines)
			sv->lines[s].open = !sv->lines[s].open;
		return UI_REDRAW;
	}
	if (a == ACT_EXPAND_ALL) {
		for (size_t i = 0; i < sv->nlines; i++)
			sv->lines[i].open = true;
		return UI_REDRAW;
	}
	return list_action(&sv->ls, a, t->body.h);
}

/* ---- reveal: an evidence jump to one stack ---- */

/* Does folded frame f (of length n, maybe with the kernel "_[k]" suffix)
 * name function fn?  Compared as folded.c writes names: ';' as ':' and
 * ' ' as '_'. */
static bool frame_is(const char *f, size_t n, const char *fn)
{
	size_t k = strlen(fn);

	if (n >= 4 && !memcmp(f + n - 4, "_[k]", 4) && n - 4 == k)
		n -= 4;
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = fn[i] == ';' ? ':' : fn[i] == ' ' ? '_' : fn[i];

		if (f[i] != c)
			return false;
	}
	return true;
}

/* Do the line's frames hold funcs[0..n) as a run? */
static bool line_holds(const struct stack_line *l, const char *const *funcs, int n)
{
	const char *end = l->text + l->len;

	for (const char *start = l->text; start < end;) {
		const char *p = start;
		int i = 0;

		while (i < n && p <= end) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			const char *fe = semi ? semi : end;

			if (!frame_is(p, (size_t)(fe - p), funcs[i]))
				break;
			i++;
			p = fe + 1;
		}
		if (i == n)
			return true;
		start = memchr(start, ';', (size_t)(end - start));
		if (!start)
			break;
		start++;
	}
	return false;
}

/* Select and open the first line holding the frames; false when none. */
static bool select_holding(struct stacks_view *sv, const char *const *funcs, int n)
{
	size_t row = 0;

	for (size_t i = 0; i < sv->nlines; i++) {
		if (line_holds(&sv->lines[i], funcs, n)) {
			sv->lines[i].open = true;
			sv->ls.sel = row;
			sv->flame = false;
			return true;
		}
		row++;
		if (sv->lines[i].open) {
			row++;
			for (size_t k = 0; k < sv->lines[i].len; k++)
				row += sv->lines[i].text[k] == ';';
		}
	}
	return false;
}

bool view_stacks_reveal(struct tui *t, const char *const *funcs, int n)
{
	struct stacks_view *sv = (struct stacks_view *)t->top[TV_STACKS];
	int first = sv->role;
	uint32_t focus = t->focus_pid;

	if (n <= 0 || !t->env->folded_stacks)
		return false;
	/* The process in focus first, then all; each role. */
	for (int pass = 0; pass < 4; pass++) {
		if (pass == 2 && !t->focus_pid)
			break;
		if (pass == 2)
			t->focus_pid = 0;
		sv->role = pass % 2 ? !first : first;
		sv->gen = UINT64_MAX;
		fetch(sv, t);
		if (select_holding(sv, funcs, n)) {
			tui_show(t, TV_STACKS);
			return true;
		}
	}
	sv->role = first;
	sv->gen = UINT64_MAX;
	t->focus_pid = focus;
	return false;
}

static void stacks_free(struct view *v)
{
	struct stacks_view *sv = (struct stacks_view *)v;

	icicle_free(sv->ic);
	free(sv->folded);
	free(sv);
}

static const struct view_ops stacks_ops = {
	.name = "stacks",
	.ctx = CTX_STACKS,
	.update = stacks_update,
	.draw = stacks_draw,
	.action = stacks_action,
	.free = stacks_free,
};

struct view *view_stacks_new(void)
{
	struct stacks_view *sv = calloc(1, sizeof(*sv));

	if (!sv)
		return NULL;
	sv->v.ops = &stacks_ops;
	sv->role = TUI_STACKS_SLOW;
	sv->gen = UINT64_MAX;
	snprintf(sv->v.title, sizeof(sv->v.title), "Stacks");
	return &sv->v;
}
