/*
 * The TUI's main loop and frame: wait for a key or the next tick (never
 * spin), refresh the snapshot once per refresh period while live, draw the
 * frame (tabs, title, the view on top, status line), dispatch keys through
 * the key table.
 */
#include "tui_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applog.h"
#include "text.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull

static const struct {
	enum top_view tv;
	enum action a;
	const char *label;
} tab_defs[] = {
	{ TV_DASH, ACT_VIEW_DASH, "Dash" },     { TV_TIMELINE, ACT_VIEW_TIMELINE, "Timeline" },
	{ TV_PROCS, ACT_VIEW_PROCS, "Procs" },  { TV_EVENTS, ACT_VIEW_EVENTS, "Events" },
	{ TV_STACKS, ACT_VIEW_STACKS, "Stacks" }, { TV_HOT, ACT_VIEW_HOT, "Hot" },
	{ TV_AI, ACT_VIEW_AI, "AI" },           { TV_FINDINGS, ACT_VIEW_FINDINGS, "Findings" },
	{ TV_HELP, ACT_HELP, "Help" },
};

/* ---- state ---- */

static void warn_to_log(void *arg, const char *text)
{
	(void)arg;
	applog_note("%s", text);
}

/* Read the config file (before the screen is up, so ui.* can shape it);
 * problems are reported once stderr goes to the in-app log. */
static int load_config(struct tui *t, char *path, size_t sz)
{
	if (config_default_path(path, sz))
		return 0;
	t->cfg = config_load(path);
	return t->cfg || errno == ENOENT ? 0 : -errno;
}

/* Apply the config: key rebinding, and say what was wrong with it. */
static void apply_config(struct tui *t, const char *path, int load_err)
{
	if (load_err)
		applog_note("config %s: %s", path, strerror(-load_err));
	if (!t->cfg)
		return;
	if (config_error(t->cfg))
		applog_note("config: %s", config_error(t->cfg));
	keymap_apply_config(&t->km, t->cfg, warn_to_log, NULL);
}

/* ui.color = never, ui.ascii = always: for terminals that misdraw. */
static void config_crt(const struct config *c, struct crt_opts *co)
{
	const char *color = config_get(c, "ui.color"), *ascii = config_get(c, "ui.ascii");

	co->mono = color && !strcmp(color, "never");
	co->ascii = ascii && !strcmp(ascii, "always");
}

struct tui *tui_new(struct tui_env *env)
{
	struct view *(*const ctor[TV_COUNT])(void) = {
		[TV_DASH] = view_dash_new, [TV_TIMELINE] = view_timeline_new,
		[TV_PROCS] = view_procs_new, [TV_EVENTS] = view_events_new,
		[TV_STACKS] = view_stacks_new, [TV_HOT] = view_hot_new, [TV_AI] = view_ai_new,
		[TV_FINDINGS] = view_findings_new, [TV_HELP] = view_help_new,
		[TV_LOG] = view_log_new,
	};
	struct tui *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->env = env;
	t->eng = env->eng;
	t->refresh_ms = env->opts && env->opts->refresh_ms ? env->opts->refresh_ms : 1000;
	keymap_init(&t->km);
	if (env->replay_control &&
	    keymap_add_layer(&t->km, "replay", keys_replay, keys_replay_count, NULL, 0))
		goto fail;
	t->files = topfiles_new(4096);
	if (!t->files)
		goto fail;
	/* The dashboard lists storage only: pipes and sockets are not files. */
	topfiles_set_kinds(t->files, (1u << PL_KIND_FILE) | (1u << PL_KIND_BLOCKDEV));
	for (int i = 0; i < TV_COUNT; i++) {
		t->top[i] = ctor[i]();
		if (!t->top[i])
			goto fail;
	}
	t->stack[t->depth++] = t->top[TV_DASH];
	return t;
fail:
	tui_free(t);
	return NULL;
}

void tui_free(struct tui *t)
{
	if (!t)
		return;
	while (t->depth > 0) {
		struct view *v = t->stack[--t->depth];

		if (v->transient)
			v->ops->free(v);
	}
	for (int i = 0; i < TV_COUNT; i++)
		if (t->top[i])
			t->top[i]->ops->free(t->top[i]);
	topfiles_free(t->files);
	filter_clear(&t->filter);
	snap_free(&t->snap);
	config_free(t->cfg);
	free(t);
}

struct view *tui_view(struct tui *t)
{
	return t->stack[t->depth - 1];
}

static void drop_bottom(struct tui *t)
{
	struct view *v = t->stack[0];

	if (v->transient)
		v->ops->free(v);
	memmove(t->stack, t->stack + 1, (size_t)(t->depth - 1) * sizeof(t->stack[0]));
	t->depth--;
}

static void push(struct tui *t, struct view *v)
{
	if (t->depth == TUI_STACK_MAX)
		drop_bottom(t);
	t->stack[t->depth++] = v;
}

void tui_show(struct tui *t, enum top_view tv)
{
	if (tui_view(t) != t->top[tv])
		push(t, t->top[tv]);
}

void tui_push(struct tui *t, struct view *v)
{
	if (v)
		push(t, v);
	else
		tui_message(t, "out of memory");
}

bool tui_pop(struct tui *t)
{
	struct view *v;

	if (t->depth <= 1)
		return false;
	v = t->stack[--t->depth];
	/* A transient view is only ever on the stack once. */
	if (v->transient)
		v->ops->free(v);
	return true;
}

void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_until_ns = engine_now_ns() + 4 * NS_PER_S;
}

double tui_wall(const struct tui *t, uint64_t mono_ns)
{
	return t->eng->origin_wall + ((double)mono_ns - (double)t->eng->origin_ns) / 1e9;
}

int tui_set_filter(struct tui *t, const char *text, char *err, size_t errsz)
{
	struct filter nf = { 0 };
	int rc = filter_parse(&nf, text, err, errsz);

	if (rc)
		return rc;
	filter_clear(&t->filter);
	t->filter = nf;
	t->filter_gen++;
	return 0;
}

/* ---- drawing the frame ---- */

static void draw_tabs(struct tui *t)
{
	struct view *cur = tui_view(t);
	int x = 0, cols = draw_cols();

	draw_fill(0, 0, cols, R_TAB);
	x += draw_text(0, x, cols, R_TAB, "perflens ");
	t->ntabs = 0;
	for (size_t i = 0; i < sizeof(tab_defs) / sizeof(tab_defs[0]); i++) {
		char keys[64], label[96], *sp;
		bool active = cur == t->top[tab_defs[i].tv];

		keymap_keys_for(&t->km, tab_defs[i].a, CTX_ALL, keys, sizeof(keys));
		sp = strchr(keys, ' ');
		if (sp)
			*sp = '\0';
		snprintf(label, sizeof(label), " %s:%s ", keys, tab_defs[i].label);
		int w = text_width(label);
		if (x + w > cols)
			break;
		t->tabs[t->ntabs++] = (struct tab_hit){ x, x + w, tab_defs[i].tv };
		x += draw_text(0, x, cols - x, active ? R_TAB_ACTIVE : R_TAB, label);
	}
}

static void draw_title(struct tui *t, struct view *v)
{
	int cols = draw_cols();
	int used = draw_text(1, 0, cols, R_TITLE, v->title);

	if (v->info[0] && used + 2 < cols)
		draw_text_right(1, used + 2, cols - used - 2, R_DIM, v->info);
}

static const char *feed_state(struct tui *t)
{
	const struct consumer *c = t->env->consumer;

	if (!c)
		return NULL;
	if (c->error)
		return "feed error: see L";
	if (c->eof)
		return "feed ended";
	return NULL;
}

static void draw_status(struct tui *t)
{
	int y = draw_lines() - 1, cols = draw_cols(), x = 0;
	char rate[16], rss[16], buf[256];
	const char *feed = feed_state(t);

	draw_fill(y, 0, cols, R_STATUS);
	if (t->prompt.mode != PROMPT_NONE) {
		snprintf(buf, sizeof(buf), "%s %s_", t->prompt.mode == PROMPT_SEARCH ? "search:"
						   : t->prompt.mode == PROMPT_MARK ? "bookmark label:"
						   : t->prompt.mode == PROMPT_GOTO ? "jump to (HH:MM:SS, +90s, -5m):"
						   : "filter:",
			 t->prompt.buf);
		draw_text(y, 0, cols, R_STATUS, buf);
		return;
	}
	if (t->env->replay_status) {
		t->env->replay_status(t->env->hook_ctx, buf, sizeof(buf));
		x += draw_textf(y, x, cols, t->paused ? R_PAUSED : R_LIVE, " %s%s ", buf,
				t->paused ? " (display paused)" : "");
	} else {
		x += draw_text(y, x, cols, t->paused ? R_PAUSED : R_LIVE,
			       t->paused ? " PAUSED " : " LIVE ");
	}
	fmt_count(rate, sizeof(rate), (uint64_t)(t->st.ev_rate + 0.5));
	fmt_bytes(rss, sizeof(rss), t->st.rss);
	snprintf(buf, sizeof(buf), " %s ev/s  drops %llu  cpu %.1f%%  rss %s  refresh %.1fs",
		 rate, (unsigned long long)t->st.drops, t->st.cpu_pct, rss, t->refresh_ms / 1000.0);
	x += draw_text(y, x, cols - x, t->st.drops ? R_WARN : R_STATUS, buf);
	if (feed)
		x += draw_textf(y, x, cols - x, R_WARN, "  %s", feed);
	if (filter_active(&t->filter))
		x += draw_textf(y, x, cols - x, R_STATUS, "  filter: %s", t->filter.src);
	if (t->msg[0] && engine_now_ns() < t->msg_until_ns)
		x += draw_textf(y, x, cols - x, R_STATUS, "  %s", t->msg);
	if (cols - x > 18) {
		char help[32], quit[32], *sp;

		/* The hint follows rebinding and the view (? explains in the
		 * findings view): the first key of each here. */
		keymap_keys_for(&t->km, ACT_HELP, tui_ctx(t), help, sizeof(help));
		keymap_keys_for(&t->km, ACT_QUIT, tui_ctx(t), quit, sizeof(quit));
		if ((sp = strchr(help, ' ')))
			*sp = '\0';
		if ((sp = strchr(quit, ' ')))
			*sp = '\0';
		snprintf(buf, sizeof(buf), "%s:help %s:quit ", help, quit);
		draw_text_right(y, x, cols - x, R_STATUS, buf);
	}
}

static void draw_too_small(void)
{
	int l = draw_lines(), c = draw_cols();
	char msg[80];

	snprintf(msg, sizeof(msg), "terminal too small (need %dx%d)", MIN_COLS, MIN_LINES);
	draw_text(l / 2, c > 34 ? (c - 34) / 2 : 0, c, R_WARN, msg);
	draw_textf(l / 2 + 1, c > 34 ? (c - 34) / 2 : 0, c, R_DIM, "now %dx%d; q quits", c, l);
}

/* The screen as text for a cast: the whole screen each frame, by cursor
 * position, so any player shows exactly what was on the terminal. */
static void cast_screen(struct tui *t)
{
	int lines = draw_lines(), cols = draw_cols();
	size_t cap = (size_t)lines * ((size_t)cols * 4 + 16) + 16, n = 0;
	char *out = malloc(cap), row[4096];

	if (!out)
		return;
	if (lines != t->cast_lines || cols != t->cast_cols) {
		t->cast_lines = lines;
		t->cast_cols = cols;
		t->env->cast_resize(t->env->hook_ctx, cols, lines);
	}
	n += (size_t)snprintf(out + n, cap - n, "\x1b[H\x1b[2J");
	for (int y = 0; y < lines && n < cap; y++) {
		size_t len;

		draw_read_row(y, row, sizeof(row));
		len = strlen(row);
		while (len && row[len - 1] == ' ')
			len--;
		n += (size_t)snprintf(out + n, cap - n, "\x1b[%d;1H%.*s", y + 1, (int)len, row);
	}
	if (n >= cap)
		n = cap - 1;
	t->env->cast_output(t->env->hook_ctx, out, n);
	free(out);
}

void tui_frame(struct tui *t, unsigned flags)
{
	struct view *v = tui_view(t);

	t->too_small = draw_cols() < MIN_COLS || draw_lines() < MIN_LINES;
	t->body = (struct rect){ 2, 0, draw_lines() - 3, draw_cols() };
	if ((flags & UI_DATA) && v->ops->needs_procs)
		snap_procs(t);
	if ((flags & UI_DATA) && v->ops->update)
		v->ops->update(v, t);
	draw_erase();
	if (t->too_small) {
		draw_too_small();
	} else {
		draw_tabs(t);
		draw_title(t, v);
		v->body = t->body;
		v->ops->draw(v, t, t->body);
		draw_status(t);
	}
	draw_flush();
	if (t->env->cast_output)
		cast_screen(t);
	t->frames++;
}

/* ---- input ---- */

static unsigned prompt_key(struct tui *t, int key)
{
	enum prompt_mode mode = t->prompt.mode;

	if (key == K_ESC) {
		t->prompt.mode = PROMPT_NONE;
		return UI_REDRAW;
	}
	if (key == K_CTRL('u')) {
		t->prompt.len = 0;
		t->prompt.buf[0] = '\0';
		return UI_REDRAW;
	}
	if (key == K_BACKSPACE) {
		/* Drop one whole UTF-8 character. */
		while (t->prompt.len > 0 && (t->prompt.buf[--t->prompt.len] & 0xc0) == 0x80)
			;
		t->prompt.buf[t->prompt.len] = '\0';
		return UI_REDRAW;
	}
	if (key == K_ENTER) {
		t->prompt.mode = PROMPT_NONE;
		if (mode == PROMPT_MARK) {
			t->marks++;
			if (t->env->bookmark)
				t->env->bookmark(t->env->hook_ctx, t->prompt.buf);
			tui_message(t, t->env->bookmark ? "bookmark %u set" : "bookmark %u (not recorded: "
				    "use --record or --cast)", t->marks);
			return UI_REDRAW;
		}
		if (mode == PROMPT_SEARCH) {
			snprintf(t->search, sizeof(t->search), "%s", t->prompt.buf);
			return action_handlers[ACT_SEARCH_NEXT](t, ACT_SEARCH_NEXT);
		}
		if (mode == PROMPT_GOTO) {
			char msg[160];

			t->env->replay_goto(t->env->hook_ctx, t->prompt.buf, msg, sizeof(msg));
			tui_message(t, "%s", msg);
			t->next_tick_ns = 0; /* show the new position at once */
			return UI_REDRAW | UI_DATA;
		}
		char err[128];

		if (tui_set_filter(t, t->prompt.buf, err, sizeof(err))) {
			tui_message(t, "filter: %s", err);
			return UI_REDRAW;
		}
		tui_message(t, filter_active(&t->filter) ? "filter on" : "filter cleared");
		return UI_REDRAW | UI_DATA;
	}
	if (key >= 32 && key < K_SPECIAL && key != 127) {
		char enc[5];
		int n = 0;
		unsigned c = (unsigned)key;

		/* UTF-8 encode the code point. */
		if (c < 0x80) {
			enc[n++] = (char)c;
		} else if (c < 0x800) {
			enc[n++] = (char)(0xc0 | c >> 6);
			enc[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			enc[n++] = (char)(0xe0 | c >> 12);
			enc[n++] = (char)(0x80 | (c >> 6 & 0x3f));
			enc[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			enc[n++] = (char)(0xf0 | c >> 18);
			enc[n++] = (char)(0x80 | (c >> 12 & 0x3f));
			enc[n++] = (char)(0x80 | (c >> 6 & 0x3f));
			enc[n++] = (char)(0x80 | (c & 0x3f));
		}
		if (t->prompt.len + (size_t)n < sizeof(t->prompt.buf)) {
			memcpy(t->prompt.buf + t->prompt.len, enc, (size_t)n);
			t->prompt.len += (size_t)n;
			t->prompt.buf[t->prompt.len] = '\0';
		}
	}
	return UI_REDRAW;
}

static unsigned mouse_key(struct tui *t, const struct crt_mouse *m)
{
	struct view *v = tui_view(t);

	if (!m || t->too_small)
		return 0;
	if (m->what == M_WHEEL_UP || m->what == M_WHEEL_DOWN) {
		enum action a = m->what == M_WHEEL_UP ? ACT_UP : ACT_DOWN;
		unsigned f = 0;

		for (int i = 0; i < 3; i++)
			f |= v->ops->action(v, t, a);
		return f;
	}
	if (m->y == 0) {
		for (int i = 0; i < t->ntabs; i++)
			if (m->x >= t->tabs[i].x0 && m->x < t->tabs[i].x1) {
				tui_show(t, t->tabs[i].tv);
				return UI_REDRAW | UI_DATA;
			}
		return 0;
	}
	if (m->y >= v->body.y && m->y < v->body.y + v->body.h && v->ops->click)
		return v->ops->click(v, t, m->y - v->body.y, m->x - v->body.x);
	return 0;
}

unsigned tui_key(struct tui *t, int key, const struct crt_mouse *m)
{
	enum action a;

	if (key == K_NONE)
		return 0;
	if (key == K_RESIZE) {
		draw_invalidate();
		return UI_REDRAW | UI_DATA;
	}
	if (t->prompt.mode != PROMPT_NONE)
		return prompt_key(t, key);
	if (key == K_MOUSE)
		return mouse_key(t, m);
	if (t->too_small) {
		/* Only quitting makes sense on the too-small screen. */
		a = keymap_lookup(&t->km, key, CTX_ALL);
		return a == ACT_QUIT ? action_handlers[ACT_QUIT](t, ACT_QUIT) : 0;
	}
	a = keymap_lookup(&t->km, key, tui_ctx(t));
	if (a == ACT_NONE || !action_handlers[a])
		return 0;
	return action_handlers[a](t, a);
}

/* ---- the loop ---- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static bool view_busy(struct tui *t)
{
	struct view *v = tui_view(t);

	return !t->too_small && v->ops->busy && v->ops->busy(v);
}

/* Run the timers that are due; returns the flags they raise. */
static unsigned run_timers(struct tui *t, uint64_t now)
{
	unsigned flags = 0;

	if (now >= t->next_house_ns) {
		tui_housekeeping(t);
		t->next_house_ns = now + NS_PER_S;
		flags |= UI_REDRAW;
	}
	if (now >= t->next_tick_ns) {
		t->next_tick_ns = now + t->refresh_ms * NS_PER_MS;
		if (!t->paused) {
			snap_take(t);
			flags |= UI_REDRAW | UI_DATA;
		}
	}
	return flags;
}

static int wait_ms(struct tui *t, uint64_t now)
{
	uint64_t next = min_u64(t->next_tick_ns, t->next_house_ns);
	uint64_t ms = next > now ? (next - now + NS_PER_MS - 1) / NS_PER_MS : 0;

	if (view_busy(t) && ms > BUSY_POLL_MS)
		ms = BUSY_POLL_MS;
	return (int)ms;
}

static int tui_loop(struct tui *t)
{
	const struct pl_options *o = t->env->opts;
	unsigned flags = UI_REDRAW | UI_DATA;

	snap_take(t);
	while (!t->quit && !(t->env->stop && *t->env->stop)) {
		struct crt_mouse m;
		uint64_t now = engine_now_ns();
		int key;

		flags |= run_timers(t, now);
		if (view_busy(t))
			flags |= UI_DATA | UI_REDRAW;
		if (flags & (UI_REDRAW | UI_DATA)) {
			tui_frame(t, flags);
			flags = 0;
			if (o && o->frames && t->frames >= o->frames)
				break;
		}
		key = crt_getkey(wait_ms(t, engine_now_ns()), &m);
		flags |= tui_key(t, key, &m);
		/* Drain keys already typed before drawing (fast typing, pastes). */
		while (!(flags & UI_QUIT) && (key = crt_getkey(0, &m)) != K_NONE)
			flags |= tui_key(t, key, &m);
		if (flags & UI_QUIT)
			break;
	}
	return 0;
}

int tui_run(struct tui_env *env)
{
	const struct pl_options *o = env->opts;
	struct crt_opts co = { .capture_stderr = true };
	struct tui *t;
	char err[256], path[512] = "";
	int rc, cfg_err;

	/* --frames without a terminal: a smoke run drawing into /dev/null. */
	if (o && o->frames && (!isatty(0) || !isatty(1))) {
		co.offscreen = true;
		co.width = 200;
		co.height = 50;
	}
	t = tui_new(env);
	if (!t) {
		fprintf(stderr, "perflens: out of memory\n");
		return 1;
	}
	cfg_err = load_config(t, path, sizeof(path));
	config_crt(t->cfg, &co);
	rc = crt_init(&co, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "perflens: %s\n", err);
		tui_free(t);
		return 1;
	}
	apply_config(t, path, cfg_err);
	rc = tui_loop(t);
	crt_done();
	tui_free(t);
	return rc;
}
