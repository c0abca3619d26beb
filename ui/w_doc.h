/*
 * A scrolling document of lines (details, help, the log, placeholders).
 * Lines may carry a link (a kind and two values) that Enter follows; the
 * selection survives a rebuild by matching the link, so a detail view can
 * rebuild its text every refresh without the cursor jumping.
 */
#ifndef PERFLENS_UI_W_DOC_H
#define PERFLENS_UI_W_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "w_list.h"

#define DOC_LINE_MAX 320

struct doc_line {
	char text[DOC_LINE_MAX];
	enum role role;
	int link;           /* 0 = none; the view defines the kinds */
	uint64_t a, b;      /* link payload */
};

struct doc {
	struct doc_line *l;
	size_t n, cap;
	struct list_state ls;
	int link_keep;      /* link of the selection when the rebuild began */
	uint64_t keep_a, keep_b;
};

/* Start a rebuild (remembers the selected link). */
void doc_begin(struct doc *d);
/* Finish a rebuild: put the selection back on the same link if present. */
void doc_end(struct doc *d, int height);
void doc_free(struct doc *d);
/* Append a line (formatted; sanitized when drawn). */
void doc_add(struct doc *d, enum role r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doc_link(struct doc *d, enum role r, int link, uint64_t a, uint64_t b, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Text wrapped at spaces into lines of at most width columns, each
 * starting with indent spaces (explanations, help prose). */
void doc_wrap(struct doc *d, enum role r, int indent, int width, const char *text);
/* A section rule ("── Files ──"). */
void doc_rule(struct doc *d, const char *title);
/* The selected line, or NULL. */
const struct doc_line *doc_selected(const struct doc *d);
void doc_draw(struct doc *d, struct rect r, bool show_selection);
/* Select the next line (from the selection, wrapping, case-insensitive)
 * containing needle, scrolled into a body of height rows (to the top row
 * when to_top).  False when no line has it. */
bool doc_search(struct doc *d, const char *needle, int dir, int height, bool to_top);

#endif
