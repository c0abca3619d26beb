/*
 * The only file that includes curses.  Everything else draws through
 * draw.h and reads keys through crt_getkey.
 */
#include "crt.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <ncursesw/curses.h>
#include <ncursesw/term.h>

#include "applog.h"
#include "draw.h"
#include "keys.h"
#include "text.h"
#include "theme.h"

static struct {
	bool up;
	bool offscreen;
	bool color;
	SCREEN *screen;
	FILE *out, *in;       /* offscreen streams */
	int in_fd;
	attr_t attr[R_COUNT];
	short pair[R_COUNT];
} crt;

/* ---- the restore path for fatal signals (precomputed, async-signal-safe) ---- */

static const int fatal_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
#define NFATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static struct {
	char seq[512];
	size_t len;
	int fd;
	struct termios tio;
	bool have_tio;
	struct sigaction old[NFATAL];
	volatile sig_atomic_t restored;
} rst = { .fd = -1 };

static void restore_terminal_raw(void)
{
	if (!rst.restored) {
		rst.restored = 1;
		if (rst.fd >= 0) {
			if (rst.have_tio)
				tcsetattr(rst.fd, TCSANOW, &rst.tio);
			if (write(rst.fd, rst.seq, rst.len) < 0)
				rst.fd = -1;
		}
	}
	/* Every time: a sanitizer may have logged more since the last call. */
	applog_emergency_dump();
}

static void on_fatal(int sig)
{
	restore_terminal_raw();
	/* Hand over to whoever handled it before us (a sanitizer's reporter,
	 * or the default action) and let it happen again. */
	for (size_t i = 0; i < NFATAL; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &rst.old[i], NULL);
	raise(sig);
}

/*
 * Sanitizers report, then exit through their Die() without a signal; it
 * calls a death callback.  GCC links ASan and UBSan as two runtimes, each
 * with its own callback, so register with every loaded object that has
 * one.  A plain build has no sanitizer runtime and skips all this (the
 * weak reference stays NULL).
 */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
typedef void (*death_setter)(void (*cb)(void));

#define MAX_OBJECTS 128

struct objects {
	char *name[MAX_OBJECTS];
	int n;
};

/* Only note the names here: calling dlopen inside dl_iterate_phdr takes
 * the loader's locks in the opposite order to a dlopen running in another
 * thread (libdw loading libdebuginfod does), and deadlocks. */
static int note_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct objects *o = arg;

	(void)size;
	if (o->n < MAX_OBJECTS && info->dlpi_name && info->dlpi_name[0])
		o->name[o->n++] = strdup(info->dlpi_name);
	return 0;
}

static void set_death_callbacks(void (*cb)(void))
{
	struct objects o = { .n = 0 };

	if (!__sanitizer_set_death_callback)
		return;
	__sanitizer_set_death_callback(cb);
	dl_iterate_phdr(note_object, &o);
	for (int i = 0; i < o.n; i++) {
		void *h = o.name[i] ? dlopen(o.name[i], RTLD_NOW | RTLD_NOLOAD) : NULL;

		if (h) {
			death_setter set = (death_setter)dlsym(h, "__sanitizer_set_death_callback");

			if (set)
				set(cb);
			dlclose(h);
		}
		free(o.name[i]);
	}
}

static void append_cap(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (rst.len + n < sizeof(rst.seq)) {
		memcpy(rst.seq + rst.len, s, n);
		rst.len += n;
	}
}

/* Everything the fatal path writes is computed here, while it is safe to. */
static void prepare_restore(void)
{
	static const char mouse_off[] = "\033[?1006l\033[?1002l\033[?1000l";

	rst.len = 0;
	append_cap("sgr0");
	append_cap("cnorm");
	append_cap("rmkx");
	if (rst.len + sizeof(mouse_off) - 1 < sizeof(rst.seq)) {
		memcpy(rst.seq + rst.len, mouse_off, sizeof(mouse_off) - 1);
		rst.len += sizeof(mouse_off) - 1;
	}
	append_cap("rmcup");
	rst.fd = STDOUT_FILENO;
	rst.restored = 0;
}

static void install_fatal(void)
{
	struct sigaction sa = { .sa_handler = on_fatal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &sa, &rst.old[i]);
	set_death_callbacks(restore_terminal_raw);
}

static void remove_fatal(void)
{
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &rst.old[i], NULL);
	set_death_callbacks(NULL);
}

/* ---- init / done ---- */

static attr_t to_attr(unsigned t)
{
	attr_t a = A_NORMAL;

	if (t & T_BOLD)
		a |= A_BOLD;
	if (t & T_REVERSE)
		a |= A_REVERSE;
	if (t & T_UNDERLINE)
		a |= A_UNDERLINE;
	if (t & T_DIM)
		a |= A_DIM;
	return a;
}

static void setup_colors(bool mono)
{
	const char *nc = getenv("NO_COLOR");

	/* no-color.org: present and not empty means no colour. */
	crt.color = !mono && !(nc && nc[0]) && has_colors();
	if (crt.color && (start_color() != OK || COLORS < 8))
		crt.color = false;
	if (crt.color)
		use_default_colors();
	for (int r = 0; r < R_COUNT; r++) {
		const struct role_style *s = &theme_default[r];

		if (crt.color && init_pair((short)(r + 1), s->fg, s->bg) == OK) {
			crt.pair[r] = (short)(r + 1);
			crt.attr[r] = to_attr(s->attr);
		} else {
			crt.pair[r] = 0;
			crt.attr[r] = to_attr(s->mono_attr);
		}
	}
}

static bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int open_screen(const struct crt_opts *o, char *err, size_t errsz)
{
	if (o->offscreen) {
		crt.out = fopen("/dev/null", "w");
		crt.in = fopen("/dev/null", "r");
		if (!crt.out || !crt.in) {
			snprintf(err, errsz, "cannot open /dev/null");
			return -EIO;
		}
		crt.screen = newterm("xterm-256color", crt.out, crt.in);
		if (crt.screen) {
			resizeterm(o->height > 0 ? o->height : 24, o->width > 0 ? o->width : 80);
			crt.in_fd = fileno(crt.in);
		}
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(err, errsz, "the interactive screen needs a terminal (use --json)");
			return -ENOTTY;
		}
		rst.have_tio = tcgetattr(STDOUT_FILENO, &rst.tio) == 0;
		crt.screen = newterm(NULL, stdout, stdin);
		crt.in_fd = STDIN_FILENO;
	}
	if (!crt.screen) {
		const char *t = getenv("TERM");

		snprintf(err, errsz, "cannot set up the terminal (TERM=%s)", t ? t : "unset");
		return -EINVAL;
	}
	return 0;
}

static void crt_atexit(void)
{
	crt_done();
}

int crt_init(const struct crt_opts *o, char *err, size_t errsz)
{
	static bool atexit_done;
	int e;

	if (crt.up)
		return 0;
	setlocale(LC_ALL, "");
	theme_set_utf8(!o->ascii && locale_is_utf8());
	if (o->capture_stderr && !o->offscreen && applog_start())
		fprintf(stderr, "perflens: warning: cannot capture stderr: messages may garble the screen\n");
	e = open_screen(o, err, errsz);
	if (e) {
		applog_stop(true);
		return e;
	}
	crt.offscreen = o->offscreen;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	setup_colors(o->mono);
	if (!o->offscreen) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
		prepare_restore();
		install_fatal();
	}
	crt.up = true;
	if (!atexit_done) {
		atexit(crt_atexit);
		atexit_done = true;
	}
	return 0;
}

void crt_done(void)
{
	if (!crt.up)
		return;
	crt.up = false;
	if (!crt.offscreen) {
		mousemask(0, NULL);
		remove_fatal();
	}
	endwin();
	delscreen(crt.screen);
	crt.screen = NULL;
	if (crt.out)
		fclose(crt.out);
	if (crt.in)
		fclose(crt.in);
	crt.out = crt.in = NULL;
	applog_stop(true);
}

bool crt_has_color(void)
{
	return crt.color;
}

const char *crt_restore_sequence(size_t *len)
{
	*len = rst.len;
	return rst.seq;
}

/* ---- input ---- */

static int translate(int code)
{
	static const struct {
		int curses, ours;
	} map[] = {
		{ KEY_UP, K_UP }, { KEY_DOWN, K_DOWN }, { KEY_LEFT, K_LEFT }, { KEY_RIGHT, K_RIGHT },
		{ KEY_PPAGE, K_PGUP }, { KEY_NPAGE, K_PGDN }, { KEY_HOME, K_HOME }, { KEY_END, K_END },
		{ KEY_FIND, K_HOME }, { KEY_SELECT, K_END }, { KEY_BACKSPACE, K_BACKSPACE },
		{ KEY_DC, K_DELETE }, { KEY_ENTER, K_ENTER }, { KEY_RESIZE, K_RESIZE },
		{ KEY_MOUSE, K_MOUSE },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].curses == code)
			return map[i].ours;
	if (code >= KEY_F(1) && code <= KEY_F(12))
		return K_F1 + (code - KEY_F(1));
	return K_NONE;
}

static int read_mouse(struct crt_mouse *m)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || !m)
		return K_NONE;
	m->y = ev.y;
	m->x = ev.x;
	if (ev.bstate & BUTTON4_PRESSED)
		m->what = M_WHEEL_UP;
	else if (ev.bstate & BUTTON5_PRESSED)
		m->what = M_WHEEL_DOWN;
	else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		m->what = M_CLICK;
	else
		return K_NONE;
	return K_MOUSE;
}

static int read_key(struct crt_mouse *m)
{
	wint_t ch;
	int r = wget_wch(stdscr, &ch);

	if (r == ERR)
		return K_NONE;
	if (r == KEY_CODE_YES) {
		int k = translate((int)ch);

		return k == K_MOUSE ? read_mouse(m) : k;
	}
	switch (ch) {
	case '\r': case '\n':
		return K_ENTER;
	case 127: case 8:
		return K_BACKSPACE;
	default:
		return (int)ch;
	}
}

int crt_getkey(int timeout_ms, struct crt_mouse *m)
{
	int k = read_key(m);

	if (k != K_NONE || timeout_ms == 0)
		return k;
	struct pollfd p = { .fd = crt.in_fd, .events = POLLIN };
	/* EINTR (SIGINT, SIGTERM, SIGWINCH) ends the wait early: the caller
	 * checks its flags, and curses reports a resize as a key. */
	poll(&p, 1, timeout_ms);
	return read_key(m);
}

/* ---- draw.h ---- */

int draw_lines(void)
{
	return LINES;
}

int draw_cols(void)
{
	return COLS;
}

void draw_erase(void)
{
	werase(stdscr);
}

static void set_role(enum role r)
{
	wattr_set(stdscr, crt.attr[r], crt.pair[r], NULL);
}

/* Clip a span to the screen; returns the usable width. */
static int clip(int y, int x, int w)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return 0;
	return x + w > COLS ? COLS - x : w;
}

static int put(int y, int x, int w, enum role r, const char *fitted, int cols)
{
	(void)w;
	set_role(r);
	mvwaddstr(stdscr, y, x, fitted);
	set_role(R_NORMAL);
	return cols;
}

/* s fitted to the columns left of maxw at (y, x), cut by fit. */
static int draw_fitted(int y, int x, int maxw, enum role r, const char *s,
		       int (*fit)(char *dst, size_t dstsz, const char *s, int cols))
{
	char buf[1024];
	int w = clip(y, x, maxw);

	return w ? put(y, x, w, r, buf, fit(buf, sizeof(buf), s, w)) : 0;
}

int draw_text(int y, int x, int maxw, enum role r, const char *s)
{
	return draw_fitted(y, x, maxw, r, s, text_fit);
}

int draw_text_left(int y, int x, int maxw, enum role r, const char *s)
{
	return draw_fitted(y, x, maxw, r, s, text_fit_left);
}

int draw_text_right(int y, int x, int w, enum role r, const char *s)
{
	char buf[1024];
	int cols;

	if (w <= 0)
		return 0;
	cols = text_fit(buf, sizeof(buf), s, w);
	if (!clip(y, x + w - cols, cols))
		return 0;
	return put(y, x + w - cols, cols, r, buf, cols);
}

int draw_textf(int y, int x, int maxw, enum role r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return draw_text(y, x, maxw, r, buf);
}

void draw_fill(int y, int x, int w, enum role r)
{
	w = clip(y, x, w);
	if (!w)
		return;
	set_role(r);
	mvwhline(stdscr, y, x, ' ', w);
	set_role(R_NORMAL);
}

void draw_glyph(int y, int x, enum glyph g, int n, enum role r)
{
	const char *s = theme_glyph(g);
	size_t len = strlen(s);
	char buf[1024];
	int w = clip(y, x, n), k = 0;

	if (!w)
		return;
	set_role(r);
	while (k < w) {
		size_t used = 0;
		int batch = 0;

		while (k + batch < w && used + len < sizeof(buf)) {
			memcpy(buf + used, s, len);
			used += len;
			batch++;
		}
		buf[used] = '\0';
		mvwaddstr(stdscr, y, x + k, buf);
		k += batch;
	}
	set_role(R_NORMAL);
}

void draw_rule(int y, int x, int w, const char *title, enum role r)
{
	int used = 0;

	w = clip(y, x, w);
	if (!w)
		return;
	if (title && *title) {
		draw_glyph(y, x, G_HLINE, w < 2 ? w : 2, r);
		used = w < 2 ? w : 2;
		used += draw_textf(y, x + used, w - used, R_TITLE, " %s ", title);
	}
	draw_glyph(y, x + used, G_HLINE, w - used, r);
}

void draw_recolor(int y, int x, int w, enum role r)
{
	w = clip(y, x, w);
	if (!w)
		return;
	mvwchgat(stdscr, y, x, w, crt.attr[r], crt.pair[r], NULL);
}

void draw_flush(void)
{
	wnoutrefresh(stdscr);
	doupdate();
}

void draw_invalidate(void)
{
	clearok(curscr, TRUE);
}

void draw_read_row(int y, char *buf, size_t sz)
{
	if (!sz)
		return;
	buf[0] = '\0';
	if (y < 0 || y >= LINES)
		return;
	/* n counts bytes of the multibyte text, not cells: give it the buffer. */
	mvwinnstr(stdscr, y, 0, buf, (int)(sz - 1 < 65536 ? sz - 1 : 65536));
}
