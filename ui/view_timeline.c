/*
 * Timeline (t): per-second stacked bars by type over the window, a latency
 * heat map (time across, power-of-two latency buckets down, shade = count)
 * and a cursor; Enter lists the cursor's second.  Columns are cached per
 * second and only re-read when that second's count changed, so a frame
 * reads one or two seconds of the timeline, not the whole window.
 *
 * In replay the window ends at the replay clock (the play-head, marked on
 * the axis) rather than at the newest event, and G seeks the replay to the
 * start of the cursor's second: the seek re-feeds the seconds before it, so
 * the window then ends there with the cursor on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tui_int.h"
#include "w_bar.h"
#include "w_heat.h"

#define NTYPES 4  /* read, write, sync, block */
#define LABEL_W 8
#define MAX_COLS 1024

struct tl_col {
	int64_t sec;      /* -1: not cached */
	uint64_t sig;     /* event count when cached */
	uint32_t count[NTYPES];
	uint32_t procs;   /* fork + exec + exit */
	uint32_t log2[64];
};

struct timeline_view {
	struct view v;
	struct tl_col *cache; /* slot: sec % window */
	unsigned window;
	int64_t latest;
	int64_t cursor;
	int64_t start;        /* first second shown */
	bool follow;          /* the cursor stays on the newest second */
	bool replay;          /* a play-head: the replay clock, */
	uint64_t clock_ns;    /* in the recording's monotonic ns */
	int64_t clock_sec;    /* and as a timeline second */
	int ncols;
	struct hist cur_hist; /* the cursor's second, merged */
	uint32_t cur_count[NTYPES];
	uint32_t cur_procs[3];
	struct tl_col *shown[MAX_COLS];
};

static uint64_t second_sig(const struct tl_second *s)
{
	uint64_t n = (uint64_t)s->forks + s->execs + s->exits + s->block.count;

	for (int t = 0; t < TL_IO_TYPES; t++)
		for (int k = 0; k < PL_KIND_MAX; k++)
			n += s->io[t][k].count;
	return n;
}

static void add_cell(struct tl_col *c, int type, const struct tl_cell *cell)
{
	uint64_t l2[64];

	if (!cell->count)
		return;
	c->count[type] += (uint32_t)cell->count;
	hist_log2(&cell->h, l2);
	for (int e = 0; e < 64; e++)
		c->log2[e] += (uint32_t)l2[e];
}

static void fill_col(struct tl_col *c, const struct tl_second *s, int64_t sec, uint64_t sig)
{
	memset(c, 0, sizeof(*c));
	c->sec = sec;
	c->sig = sig;
	if (!s)
		return;
	for (int t = 0; t < TL_IO_TYPES; t++)
		for (int k = 0; k < PL_KIND_MAX; k++)
			add_cell(c, t, &s->io[t][k]);
	add_cell(c, 3, &s->block);
	c->procs = s->forks + s->execs + s->exits;
}

static int ensure_cache(struct timeline_view *tv, unsigned window)
{
	if (tv->cache && tv->window == window)
		return 0;
	free(tv->cache);
	tv->cache = calloc(window, sizeof(*tv->cache));
	if (!tv->cache)
		return -1;
	for (unsigned i = 0; i < window; i++)
		tv->cache[i].sec = -1;
	tv->window = window;
	return 0;
}

/* The column for sec, re-read only when its count changed.  Lock held. */
static struct tl_col *column(struct timeline_view *tv, const struct timeline *tl, int64_t sec)
{
	struct tl_col *c = &tv->cache[sec % tv->window];
	const struct tl_second *s = timeline_get(tl, sec);
	uint64_t sig = s ? second_sig(s) : 0;

	if (c->sec != sec || c->sig != sig)
		fill_col(c, s, sec, sig);
	return c;
}

static void read_cursor(struct timeline_view *tv, const struct timeline *tl)
{
	const struct tl_second *s = timeline_get(tl, tv->cursor);

	memset(&tv->cur_hist, 0, sizeof(tv->cur_hist));
	memset(tv->cur_count, 0, sizeof(tv->cur_count));
	memset(tv->cur_procs, 0, sizeof(tv->cur_procs));
	if (!s)
		return;
	for (int t = 0; t < TL_IO_TYPES; t++)
		for (int k = 0; k < PL_KIND_MAX; k++)
			if (s->io[t][k].count) {
				hist_merge(&tv->cur_hist, &s->io[t][k].h);
				tv->cur_count[t] += (uint32_t)s->io[t][k].count;
			}
	if (s->block.count) {
		hist_merge(&tv->cur_hist, &s->block.h);
		tv->cur_count[3] = (uint32_t)s->block.count;
	}
	tv->cur_procs[0] = s->forks;
	tv->cur_procs[1] = s->execs;
	tv->cur_procs[2] = s->exits;
}

static void place_window(struct timeline_view *tv, int ncols)
{
	int64_t oldest = tv->latest - (int64_t)tv->window + 1;

	if (oldest < 0)
		oldest = 0;
	if (tv->follow || tv->cursor > tv->latest)
		tv->cursor = tv->latest;
	if (tv->cursor < oldest)
		tv->cursor = oldest;
	if (tv->follow || tv->start + ncols <= tv->cursor)
		tv->start = tv->cursor - ncols + 1;
	if (tv->cursor < tv->start)
		tv->start = tv->cursor;
	if (tv->start < oldest)
		tv->start = oldest;
}

static void sec_clock(const struct tui *t, int64_t sec, char *buf, size_t sz)
{
	fmt_clock(buf, sz, t->eng->origin_wall + (double)sec, false);
}

/* The header: the recording's wall-clock time of the cursor and, in
 * replay, of the play-head, to the second the status line shows (a
 * timeline second starts at the run's start, not on a wall-clock second,
 * so the play-head's second may read one less). */
static void set_info(struct timeline_view *tv, const struct tui *t)
{
	char when[16], head[16];

	sec_clock(t, tv->cursor, when, sizeof(when));
	if (!tv->replay) {
		snprintf(tv->v.info, sizeof(tv->v.info),
			 "window %us  cursor %s%s  <- -> move  Enter: its events", tv->window, when,
			 tv->follow ? " (newest)" : "");
		return;
	}
	fmt_clock(head, sizeof(head), t->eng->origin_wall + engine_ts(t->eng, tv->clock_ns), false);
	snprintf(tv->v.info, sizeof(tv->v.info), "cursor %s%s  replay %s  G: replay from the cursor  "
		 "window %us", when, tv->cursor == tv->clock_sec ? " (play-head)" : "", head, tv->window);
}

static void tlview_update(struct view *v, struct tui *t)
{
	struct timeline_view *tv = (struct timeline_view *)v;
	int ncols = t->body.w - LABEL_W - 1;

	if (ncols > MAX_COLS)
		ncols = MAX_COLS;
	if (ncols < 1)
		ncols = 1;
	tv->ncols = ncols;
	tv->latest = t->snap.latest_sec;
	tv->replay = t->env->replay_now != NULL;
	if (tv->replay) { /* before the lock: the hook takes it */
		tv->clock_ns = t->env->replay_now(t->env->hook_ctx);
		tv->clock_sec = engine_sec(t->eng, tv->clock_ns);
		/* Even before the first event: a seek back may leave none. */
		if (tv->clock_sec > tv->latest)
			tv->latest = tv->clock_sec;
	}
	snprintf(v->title, sizeof(v->title), "Timeline");
	if (tv->latest < 0 || ensure_cache(tv, t->snap.window ? t->snap.window : 1)) {
		snprintf(v->info, sizeof(v->info), "no events yet");
		return;
	}
	place_window(tv, ncols);
	engine_lock(t->eng);
	for (int i = 0; i < ncols; i++) {
		int64_t sec = tv->start + i;

		tv->shown[i] = sec <= tv->latest ? column(tv, t->eng->tl, sec) : NULL;
	}
	read_cursor(tv, t->eng->tl);
	engine_unlock(t->eng);
	set_info(tv, t);
}

/* ---- drawing ---- */

static const enum role type_roles[NTYPES] = { R_READ, R_WRITE, R_SYNC, R_BLOCK };
static const char *const type_names[NTYPES] = { "read", "write", "sync", "block" };

static void draw_info(struct timeline_view *tv, struct tui *t, int y, struct rect r)
{
	char p50[16], p99[16], max[16], when[16];
	int x = r.x;

	sec_clock(t, tv->cursor, when, sizeof(when));
	x += draw_textf(y, x, r.w, R_TITLE, "%s ", when);
	for (int i = 0; i < NTYPES; i++)
		x += draw_textf(y, x, r.w - (x - r.x), type_roles[i], " %s %u", type_names[i],
				tv->cur_count[i]);
	x += draw_textf(y, x, r.w - (x - r.x), R_PROC, "  fork/exec/exit %u/%u/%u", tv->cur_procs[0],
			tv->cur_procs[1], tv->cur_procs[2]);
	if (tv->cur_hist.count) {
		fmt_dur(p50, sizeof(p50), hist_percentile(&tv->cur_hist, 50));
		fmt_dur(p99, sizeof(p99), hist_percentile(&tv->cur_hist, 99));
		fmt_dur(max, sizeof(max), tv->cur_hist.max);
		draw_textf(y, x, r.w - (x - r.x), R_NORMAL, "  p50 %s p99 %s max %s", p50, p99, max);
	}
}

static void draw_bars(struct timeline_view *tv, int y0, int h, struct rect r)
{
	uint64_t max = 0;
	char lbl[16];

	for (int i = 0; i < tv->ncols; i++)
		if (tv->shown[i]) {
			uint64_t n = 0;

			for (int k = 0; k < NTYPES; k++)
				n += tv->shown[i]->count[k];
			if (n > max)
				max = n;
		}
	fmt_count(lbl, sizeof(lbl), max);
	draw_textf(y0, r.x, LABEL_W, R_DIM, "%s/s", lbl);
	draw_text(y0 + h - 1, r.x, LABEL_W, R_DIM, "0");
	for (int i = 0; i < tv->ncols && max; i++) {
		const struct tl_col *c = tv->shown[i];
		uint64_t n = 0, cum[NTYPES];
		int x = r.x + LABEL_W + 1 + i, eighths;

		if (!c)
			continue;
		for (int k = 0; k < NTYPES; k++)
			cum[k] = (n += c->count[k]);
		if (!n)
			continue;
		eighths = (int)((unsigned __int128)n * (unsigned)(h * 8) / max);
		if (eighths < 1)
			eighths = 1;
		for (int row = 0; row < h && row * 8 < eighths; row++) {
			/* The type whose share covers the middle of this cell. */
			uint64_t mid = (uint64_t)((unsigned __int128)(row * 8 + 4) * max / (unsigned)(h * 8));
			int k = 0;
			int fill = eighths - row * 8;

			while (k < NTYPES - 1 && cum[k] <= mid)
				k++;
			draw_glyph(y0 + h - 1 - row, x, fill >= 8 ? G_SPARK8 : (enum glyph)(G_SPARK0 + fill), 1,
				   type_roles[k]);
		}
	}
}

static void draw_axis(struct timeline_view *tv, struct tui *t, int y, struct rect r)
{
	int x0 = r.x + LABEL_W + 1;

	draw_glyph(y, x0, G_HLINE, tv->ncols, R_DIM);
	for (int i = 0; i + 8 < tv->ncols; i += 16) {
		char when[16];

		sec_clock(t, tv->start + i, when, sizeof(when));
		draw_text(y, x0 + i, 8, R_DIM, when);
	}
	/* The cursor's mark wins the column they share: the header says so. */
	if (tv->replay && tv->clock_sec >= tv->start && tv->clock_sec < tv->start + tv->ncols)
		draw_glyph(y, x0 + (int)(tv->clock_sec - tv->start), G_PLAYHEAD, 1, R_TITLE);
	if (tv->cursor >= tv->start && tv->cursor < tv->start + tv->ncols)
		draw_glyph(y, x0 + (int)(tv->cursor - tv->start), G_CURSOR_MARK, 1, R_CURSOR);
}

static int exp_of(uint64_t v)
{
	return v < 2 ? 0 : 63 - __builtin_clzll(v);
}

/*
 * The buckets the map shows: from the threshold's bucket (or the fastest
 * event, if lower) up to the slowest event, at least 8 rows so one busy
 * bucket does not fill the pane, at most the rows there are (then the
 * slowest win and the faster ones fold into the bottom row).  Returns how
 * many rows to draw.
 */
static int heat_range(const struct timeline_view *tv, uint64_t threshold_ns, int rows, int *lo)
{
	int min = 63, max = 0, top;

	for (int i = 0; i < tv->ncols; i++)
		if (tv->shown[i])
			for (int e = 0; e < 64; e++)
				if (tv->shown[i]->log2[e]) {
					if (e < min)
						min = e;
					if (e > max)
						max = e;
				}
	if (min > max)
		min = max = threshold_ns ? exp_of(threshold_ns) : 20;
	if (threshold_ns && exp_of(threshold_ns) < min)
		min = exp_of(threshold_ns);
	top = max > min + 7 ? max : min + 7;
	if (top > 63)
		top = 63;
	*lo = top - min + 1 > rows ? top - rows + 1 : min;
	return top - *lo + 1 < rows ? top - *lo + 1 : rows;
}

/* Column i folded into the map's rows; false when nothing is cached. */
static bool heat_rows(const struct timeline_view *tv, int i, int lo, int h, uint64_t *rows)
{
	uint64_t l2[64];

	if (!tv->shown[i])
		return false;
	for (int e = 0; e < 64; e++)
		l2[e] = tv->shown[i]->log2[e];
	heat_column(l2, lo, h, rows);
	return true;
}

static void draw_heat(struct timeline_view *tv, uint64_t threshold_ns, int y0, int h, struct rect r)
{
	uint64_t rows[64], max = 0;
	int lo, used;

	if (h > 64)
		h = 64;
	used = heat_range(tv, threshold_ns, h, &lo);
	y0 += h - used; /* spare rows stay blank above the map */
	h = used;
	/* The shade scale is the fullest cell as drawn (edge rows fold several
	 * buckets), so it is found on the folded columns. */
	for (int i = 0; i < tv->ncols; i++)
		if (heat_rows(tv, i, lo, h, rows))
			for (int row = 0; row < h; row++)
				if (rows[row] > max)
					max = rows[row];
	for (int row = 0; row < h; row++) {
		char lbl[16];

		fmt_dur(lbl, sizeof(lbl), 1ull << (lo + row));
		draw_text_right(y0 + h - 1 - row, r.x, LABEL_W, R_DIM, lbl);
	}
	for (int i = 0; i < tv->ncols; i++) {
		if (!heat_rows(tv, i, lo, h, rows))
			continue;
		for (int row = 0; row < h; row++) {
			int lv = heat_level(rows[row], max, SHADE_LEVELS);

			if (lv)
				draw_glyph(y0 + h - 1 - row, r.x + LABEL_W + 1 + i,
					   (enum glyph)(G_SHADE0 + lv), 1, (enum role)(R_HEAT1 + lv - 1));
		}
	}
}

static void draw_legend(int y, struct rect r)
{
	int x = r.x;

	for (int i = 0; i < NTYPES; i++) {
		draw_glyph(y, x, G_BAR_FULL, 1, type_roles[i]);
		x += 1 + draw_textf(y, x + 1, r.w - (x - r.x) - 1, R_DIM, " %s  ", type_names[i]);
	}
	x += draw_text(y, x, r.w - (x - r.x), R_DIM, "heat:");
	for (int lv = 1; lv < SHADE_LEVELS; lv++)
		draw_glyph(y, x + lv, (enum glyph)(G_SHADE0 + lv), 1, (enum role)(R_HEAT1 + lv - 1));
	draw_text(y, x + SHADE_LEVELS + 1, r.w - (x - r.x) - SHADE_LEVELS - 1, R_DIM,
		  "few -> many   Enter: the cursor's events");
}

static void tlview_draw(struct view *v, struct tui *t, struct rect r)
{
	struct timeline_view *tv = (struct timeline_view *)v;
	int bars, heat;

	if (tv->latest < 0 || !tv->cache) {
		draw_text(r.y + 2, r.x + 2, r.w - 4, R_DIM, "no events yet: the timeline fills as slow "
			  "operations complete");
		return;
	}
	draw_info(tv, t, r.y, r);
	bars = (r.h - 4) * 2 / 5;
	if (bars < 3)
		bars = 3;
	heat = r.h - 4 - bars;
	draw_bars(tv, r.y + 1, bars, r);
	draw_axis(tv, t, r.y + 1 + bars, r);
	draw_text(r.y + 2 + bars, r.x, r.w, R_HEADER, " latency heat map (rows: power-of-two buckets;"
		  " shade: events, log scale)");
	draw_heat(tv, t->env->opts ? t->env->opts->threshold_ns : 0, r.y + 3 + bars, heat, r);
	draw_legend(r.y + r.h - 1, r);
}

/*
 * G: the replay clock to the start of the cursor's second (so the status
 * line reads the cursor's time, and the second plays in from there).  The
 * cursor stays on it, at the right edge, where the re-fed window ends.
 */
static unsigned scrub(struct timeline_view *tv, struct tui *t)
{
	char when[16];

	if (!t->env->replay_seek)
		return 0;
	t->env->replay_seek(t->env->hook_ctx, t->eng->origin_ns +
				(uint64_t)tv->cursor * 1000000000ull);
	tv->follow = false;
	tv->start = tv->cursor - tv->ncols + 1;
	t->next_tick_ns = 0; /* show the new position at once */
	sec_clock(t, tv->cursor, when, sizeof(when));
	tui_message(t, "replay from %s", when);
	return UI_REDRAW | UI_DATA;
}

static unsigned tlview_action(struct view *v, struct tui *t, enum action a)
{
	struct timeline_view *tv = (struct timeline_view *)v;
	int64_t page = tv->ncols > 2 ? tv->ncols / 2 : 1;

	if (tv->latest < 0)
		return 0;
	switch (a) {
	case ACT_LEFT: tv->cursor--; break;
	case ACT_RIGHT: tv->cursor++; break;
	case ACT_PGUP: tv->cursor -= page; break;
	case ACT_PGDN: tv->cursor += page; break;
	case ACT_HOME: tv->cursor = 0; break;
	case ACT_END: tv->cursor = tv->latest; break;
	case ACT_ENTER:
		tui_push(t, view_second_new(t, tv->cursor));
		return UI_REDRAW | UI_DATA;
	case ACT_RP_CURSOR:
		return scrub(tv, t);
	default:
		return 0;
	}
	tv->follow = tv->cursor >= tv->latest;
	return UI_REDRAW | UI_DATA;
}

static unsigned tlview_click(struct view *v, struct tui *t, int row, int col)
{
	struct timeline_view *tv = (struct timeline_view *)v;
	int i = col - LABEL_W - 1;

	(void)t;
	(void)row;
	if (tv->latest < 0 || i < 0 || i >= tv->ncols)
		return 0;
	tv->cursor = tv->start + i;
	tv->follow = tv->cursor >= tv->latest;
	return UI_REDRAW | UI_DATA;
}

static void tlview_free(struct view *v)
{
	struct timeline_view *tv = (struct timeline_view *)v;

	free(tv->cache);
	free(tv);
}

static const struct view_ops timeline_ops = {
	.name = "timeline",
	.ctx = CTX_TIMELINE,
	.update = tlview_update,
	.draw = tlview_draw,
	.action = tlview_action,
	.click = tlview_click,
	.free = tlview_free,
};

struct view *view_timeline_new(void)
{
	struct timeline_view *tv = calloc(1, sizeof(*tv));

	if (!tv)
		return NULL;
	tv->v.ops = &timeline_ops;
	tv->follow = true;
	tv->latest = -1;
	snprintf(tv->v.title, sizeof(tv->v.title), "Timeline");
	return &tv->v;
}
