#include "w_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_LINK (-1)

void doc_begin(struct doc *d)
{
	const struct doc_line *sel = doc_selected(d);

	d->link_keep = sel ? sel->link : 0;
	d->keep_a = sel ? sel->a : 0;
	d->keep_b = sel ? sel->b : 0;
	d->n = 0;
}

void doc_end(struct doc *d, int height)
{
	if (d->link_keep > 0)
		for (size_t i = 0; i < d->n; i++)
			if (d->l[i].link == d->link_keep && d->l[i].a == d->keep_a &&
			    d->l[i].b == d->keep_b) {
				d->ls.sel = i;
				break;
			}
	list_fit(&d->ls, d->n, height);
}

void doc_free(struct doc *d)
{
	free(d->l);
	memset(d, 0, sizeof(*d));
}

static struct doc_line *next_line(struct doc *d)
{
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct doc_line *nl = realloc(d->l, ncap * sizeof(*nl));

		if (!nl)
			return NULL;
		d->l = nl;
		d->cap = ncap;
	}
	return &d->l[d->n++];
}

static void vadd(struct doc *d, enum role r, int link, uint64_t a, uint64_t b, const char *fmt,
		 va_list ap)
{
	struct doc_line *l = next_line(d);

	if (!l)
		return;
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	l->role = r;
	l->link = link;
	l->a = a;
	l->b = b;
}

void doc_add(struct doc *d, enum role r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(d, r, 0, 0, 0, fmt, ap);
	va_end(ap);
}

void doc_link(struct doc *d, enum role r, int link, uint64_t a, uint64_t b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(d, r, link, a, b, fmt, ap);
	va_end(ap);
}

void doc_wrap(struct doc *d, enum role r, int indent, int width, const char *text)
{
	int room = width - indent > 20 ? width - indent : 20;

	while (*text) {
		/* One pass: columns count code points (prose, not CJK); cut at the
		 * last space within room, else a long word at room columns. */
		size_t i = 0, space = 0, at_room = 0;
		int cols = 0;

		for (; text[i]; i++) {
			if (((unsigned char)text[i] & 0xc0) == 0x80)
				continue;
			if (cols == room)
				break;
			if (text[i] == ' ')
				space = i;
			cols++;
			at_room = i + 1;
		}
		if (text[i]) {
			/* Skip the rest of the character where the count stopped. */
			while (((unsigned char)text[at_room] & 0xc0) == 0x80)
				at_room++;
			i = text[i] == ' ' ? i : space ? space : at_room;
		}
		doc_add(d, r, "%*s%.*s", indent, "", (int)i, text);
		text += i;
		while (*text == ' ')
			text++;
	}
}

void doc_rule(struct doc *d, const char *title)
{
	struct doc_line *l = next_line(d);

	if (!l)
		return;
	snprintf(l->text, sizeof(l->text), "%s", title);
	l->role = R_HEADER;
	l->link = RULE_LINK;
	l->a = l->b = 0;
}

const struct doc_line *doc_selected(const struct doc *d)
{
	return d->ls.sel < d->n ? &d->l[d->ls.sel] : NULL;
}

void doc_draw(struct doc *d, struct rect r, bool show_selection)
{
	list_fit(&d->ls, d->n, r.h);
	for (int i = 0; i < r.h && d->ls.top + (size_t)i < d->n; i++) {
		size_t k = d->ls.top + (size_t)i;
		const struct doc_line *l = &d->l[k];
		bool sel = show_selection && k == d->ls.sel;

		if (l->link == RULE_LINK) {
			draw_rule(r.y + i, r.x, r.w, l->text, sel ? R_SELECTED : R_DIM);
			continue;
		}
		if (sel)
			draw_fill(r.y + i, r.x, r.w, R_SELECTED);
		draw_text(r.y + i, r.x, r.w, sel ? R_SELECTED : l->role, l->text);
	}
}

static long doc_find(const struct doc *d, const char *needle, int dir)
{
	for (size_t step = 1; step <= d->n; step++) {
		size_t i = dir > 0 ? (d->ls.sel + step) % d->n : (d->ls.sel + d->n - step % d->n) % d->n;

		if (strcasestr(d->l[i].text, needle))
			return (long)i;
	}
	return -1;
}

bool doc_search(struct doc *d, const char *needle, int dir, int height, bool to_top)
{
	long i = doc_find(d, needle, dir);

	if (i < 0)
		return false;
	d->ls.sel = (size_t)i;
	if (to_top)
		d->ls.top = (size_t)i;
	list_fit(&d->ls, d->n, height);
	return true;
}
