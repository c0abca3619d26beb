/*
 * The thin drawing API every view and widget uses; crt.c implements it and
 * is the only file that includes curses.  Coordinates are screen cells,
 * (row, column) from the top left.  Every string goes through text_fit, so
 * callers may pass raw names from the traced system.
 */
#ifndef PERFLENS_UI_DRAW_H
#define PERFLENS_UI_DRAW_H

#include <stdarg.h>
#include <stddef.h>

#include "theme.h"

struct rect {
	int y, x, h, w;
};

/* Screen size in cells. */
int draw_lines(void);
int draw_cols(void);
/* Blank the whole screen (start of a frame). */
void draw_erase(void);
/* Text at (y, x), at most maxw columns (cut with an ellipsis).  Returns the
 * columns drawn. */
int draw_text(int y, int x, int maxw, enum role r, const char *s);
/* Same, cut on the left (paths). */
int draw_text_left(int y, int x, int maxw, enum role r, const char *s);
/* Right-aligned in [x, x + w). */
int draw_text_right(int y, int x, int w, enum role r, const char *s);
/* printf-style; the result is sanitized like draw_text. */
int draw_textf(int y, int x, int maxw, enum role r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* w blank cells in role r (a selection bar, a status line). */
void draw_fill(int y, int x, int w, enum role r);
/* n copies of a glyph. */
void draw_glyph(int y, int x, enum glyph g, int n, enum role r);
/* A horizontal rule with an optional title: "── Title ──────". */
void draw_rule(int y, int x, int w, const char *title, enum role r);
/* Recolour cells already drawn (keeps their text). */
void draw_recolor(int y, int x, int w, enum role r);
/* Push the frame to the terminal. */
void draw_flush(void);
/* Repaint everything at the next flush (after ^L or a resize). */
void draw_invalidate(void);
/* Read back row y as text (tests, off-screen). */
void draw_read_row(int y, char *buf, size_t sz);

#endif
