#include "w_list.h"

#include "draw.h"

void list_fit(struct list_state *ls, size_t count, int height)
{
	size_t h = height > 0 ? (size_t)height : 1;

	ls->count = count;
	if (count == 0) {
		ls->sel = ls->top = 0;
		return;
	}
	if (ls->sel >= count)
		ls->sel = count - 1;
	if (ls->top > ls->sel)
		ls->top = ls->sel;
	if (ls->sel >= ls->top + h)
		ls->top = ls->sel - h + 1;
	/* Never leave blank rows at the bottom when there is more above. */
	if (ls->top + h > count)
		ls->top = count > h ? count - h : 0;
}

void list_move(struct list_state *ls, long delta, int height)
{
	if (ls->count == 0)
		return;
	if (delta < 0 && (size_t)-delta > ls->sel)
		ls->sel = 0;
	else if (delta > 0 && ls->sel + (size_t)delta >= ls->count)
		ls->sel = ls->count - 1;
	else
		ls->sel = (size_t)((long)ls->sel + delta);
	list_fit(ls, ls->count, height);
}

bool list_click(struct list_state *ls, int row_in_view, int height)
{
	if (row_in_view < 0 || row_in_view >= height || ls->top + (size_t)row_in_view >= ls->count)
		return false;
	ls->sel = ls->top + (size_t)row_in_view;
	return true;
}

void list_scroll(struct list_state *ls, long delta, int height)
{
	size_t h = height > 0 ? (size_t)height : 1;
	size_t max_top = ls->count > h ? ls->count - h : 0;

	if (delta < 0)
		ls->top = (size_t)-delta > ls->top ? 0 : ls->top - (size_t)-delta;
	else
		ls->top = ls->top + (size_t)delta > max_top ? max_top : ls->top + (size_t)delta;
	if (ls->sel < ls->top)
		ls->sel = ls->top;
	if (ls->sel >= ls->top + h)
		ls->sel = ls->top + h - 1;
	if (ls->count && ls->sel >= ls->count)
		ls->sel = ls->count - 1;
}

/* Width of the shown columns, the flex one counted at its wanted minimum. */
static int used_width(const struct column *c, int n)
{
	int used = 0, shown = 0;

	for (int i = 0; i < n; i++)
		if (c[i].w) {
			used += c[i].w;
			shown++;
		}
	return used + (shown ? shown - 1 : 0);
}

void table_layout(struct column *c, int n, int total)
{
	int x = 0, flex = -1;

	for (int i = 0; i < n; i++) {
		c[i].w = c[i].width > 0 ? c[i].width : 1;
		if (c[i].flex)
			flex = i;
	}
	/* Hide the lowest priority columns until the rest fits. */
	while (used_width(c, n) > total) {
		int victim = -1;

		for (int i = 0; i < n; i++)
			if (c[i].w && !c[i].flex && (victim < 0 || c[i].prio < c[victim].prio))
				victim = i;
		if (victim < 0)
			break;
		c[victim].w = 0;
	}
	if (flex >= 0) {
		int room = total - used_width(c, n) + c[flex].w;

		c[flex].w = room > 1 ? room : 1;
	}
	for (int i = 0; i < n; i++) {
		c[i].x = x;
		if (c[i].w)
			x += c[i].w + 1;
	}
}

void table_header(int y, int x, const struct column *c, int n, int total)
{
	draw_fill(y, x, total, R_HEADER);
	for (int i = 0; i < n; i++)
		if (c[i].w)
			table_cell(y, x, &c[i], R_HEADER, c[i].title);
}

void table_cell(int y, int x, const struct column *c, int role, const char *s)
{
	if (!c->w)
		return;
	if (c->right)
		draw_text_right(y, x + c->x, c->w, (enum role)role, s);
	else
		draw_text(y, x + c->x, c->w, (enum role)role, s);
}
