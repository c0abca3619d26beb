/*
 * A scrolling list: selection and scroll kept consistent (the selection is
 * always on screen, the window never runs past the end), plus column
 * layout for tables that hides the least important columns first when the
 * terminal is narrow.  Pure; the views draw.
 */
#ifndef PERFLENS_UI_W_LIST_H
#define PERFLENS_UI_W_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_state {
	size_t sel;
	size_t top;
	size_t count;
};

/* New count and visible height: clamp the selection and the window. */
void list_fit(struct list_state *ls, size_t count, int height);
/* Move the selection by delta rows (clamped), scrolling as needed. */
void list_move(struct list_state *ls, long delta, int height);
/* Select row top + row_in_view if it exists; true when it did. */
bool list_click(struct list_state *ls, int row_in_view, int height);
/* Scroll the window by delta without moving past the ends; the selection
 * follows when it would leave the window (mouse wheel). */
void list_scroll(struct list_state *ls, long delta, int height);

struct column {
	const char *title;
	int width;      /* wanted width; the flex column's minimum, it takes what is left */
	int prio;       /* higher survives longer on narrow screens */
	bool right;     /* right-aligned */
	bool flex;
	int x, w;       /* computed: w == 0 means hidden */
};

/* Place columns in total cells (one space between columns). */
void table_layout(struct column *c, int n, int total);
/* Draw the header row of a table at (y, x). */
void table_header(int y, int x, const struct column *c, int n, int total);
/* Draw one cell's text in its column (left or right aligned). */
void table_cell(int y, int x, const struct column *c, int role, const char *s);

#endif
