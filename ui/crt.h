/*
 * The terminal: the one module that talks to curses.  It takes the
 * terminal (locale, stderr into the in-app log, curses modes, colours,
 * mouse), gives it back on every way out (quit, SIGINT/SIGTERM through the
 * main loop, and fatal signals through a restore path computed up front),
 * reads keys with a timeout, and implements draw.h.
 */
#ifndef PERFLENS_UI_CRT_H
#define PERFLENS_UI_CRT_H

#include <stdbool.h>
#include <stddef.h>

struct crt_opts {
	bool offscreen;   /* draw into /dev/null at cols x lines (benches, no tty) */
	int width, height; /* offscreen size in cells */
	bool mono;        /* force monochrome */
	bool ascii;       /* force the ASCII glyph set */
	bool capture_stderr;
};

enum crt_mouse_what { M_CLICK, M_DOUBLE, M_WHEEL_UP, M_WHEEL_DOWN };

struct crt_mouse {
	int y, x;
	enum crt_mouse_what what;
};

/* Take the terminal.  0, or -errno with a one-line reason in err. */
int crt_init(const struct crt_opts *o, char *err, size_t errsz);
/* Give it back (safe to call twice); prints the in-app log to stderr. */
void crt_done(void);
/* Wait up to timeout_ms (< 0: forever) for input.  Returns a K_* code
 * (keys.h), or K_NONE on timeout or when a signal interrupted the wait.
 * For K_MOUSE, *m says where and what. */
int crt_getkey(int timeout_ms, struct crt_mouse *m);
/* Colours in use (false: monochrome). */
bool crt_has_color(void);
/* The bytes a fatal signal writes to put the terminal back (tests). */
const char *crt_restore_sequence(size_t *len);

#endif
