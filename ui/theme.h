/*
 * Colours by semantic name, and the glyphs drawn for boxes, bars and trees.
 * Schemes are data: a role maps to (foreground, background, attributes) for
 * colour terminals and to attributes alone for monochrome ones (NO_COLOR,
 * or a terminal without colours).  Glyph sets: UTF-8, or ASCII when the
 * locale is not UTF-8.  No curses here: crt.c turns a scheme into curses
 * attributes once at start.
 */
#ifndef PERFLENS_UI_THEME_H
#define PERFLENS_UI_THEME_H

#include <stdbool.h>

enum role {
	R_NORMAL = 0,
	R_DIM,
	R_TITLE,        /* a view's title */
	R_TAB,          /* a view name in the tab bar */
	R_TAB_ACTIVE,
	R_HEADER,       /* column headers, pane rules */
	R_SELECTED,     /* the selection bar */
	R_STATUS,       /* the status line */
	R_LIVE,
	R_PAUSED,
	R_GOOD,
	R_WARN,
	R_ERROR,
	R_READ,
	R_WRITE,
	R_SYNC,
	R_BLOCK,
	R_PROC,         /* fork, exec, exit */
	R_EXITED,
	R_HEAT1, R_HEAT2, R_HEAT3, R_HEAT4,
	R_CURSOR,       /* timeline cursor column */
	R_KEY,          /* a key name in help or hints */
	R_MATCH,        /* search match */
	R_NOTE,         /* "not available" explanations */
	R_CRITICAL,     /* a critical finding (a warning one is R_WARN) */
	R_COUNT
};

/* Colours as curses numbers (0..7), -1 = the terminal's default. */
enum { C_DEFAULT = -1, C_BLACK = 0, C_RED, C_GREEN, C_YELLOW, C_BLUE, C_MAGENTA, C_CYAN,
       C_WHITE };

/* Attribute bits, translated by crt.c. */
enum { T_BOLD = 1, T_REVERSE = 2, T_UNDERLINE = 4, T_DIM = 8 };

struct role_style {
	short fg, bg;
	unsigned attr;      /* with colour */
	unsigned mono_attr; /* without colour */
};

extern const struct role_style theme_default[R_COUNT];

enum glyph {
	G_HLINE, G_VLINE, G_TREE_MID, G_TREE_LAST, G_TREE_PIPE, G_ELLIPSIS,
	G_OPEN, G_CLOSED, G_BAR_FULL, G_CURSOR_MARK, G_PLAYHEAD, G_DOT, G_MICRO,
	G_SPARK0, G_SPARK1, G_SPARK2, G_SPARK3, G_SPARK4, G_SPARK5, G_SPARK6, G_SPARK7, G_SPARK8,
	G_SHADE0, G_SHADE1, G_SHADE2, G_SHADE3, G_SHADE4,
	G_COUNT
};
#define SPARK_LEVELS 9  /* G_SPARK0 (empty) .. G_SPARK8 (full) */
#define SHADE_LEVELS 5  /* G_SHADE0 (empty) .. G_SHADE4 */

/* Choose the glyph set; false = ASCII. */
void theme_set_utf8(bool utf8);
bool theme_utf8(void);
/* The text of a glyph in the current set (one column wide). */
const char *theme_glyph(enum glyph g);

/* The role used for an event type (R_READ...). */
enum role theme_type_role(unsigned type);

#endif
